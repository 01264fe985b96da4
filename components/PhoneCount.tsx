'use client';
/** "12 of 14 phones registered" in the header, over the PBXs on screen; nothing when no PBX reports phones. */
import { usePbx } from '@/lib/store';
import { shownBoards } from '@/lib/ui/selectors';
import type { PbxState } from '@/lib/pbx/model';
import { phoneCounts, type PhoneCounts } from '@/lib/ui/phones';

/**
 * The counts of one board's phone tables, kept while those tables are the
 * same objects: the store replaces a table only when its phones change, so
 * the selector below, which runs on every batch, does not walk the contacts
 * each time.
 */
const counted = new WeakMap<object, { endpoints: object; counts: PhoneCounts }>();
function countsOf(state: Pick<PbxState, 'endpoints' | 'contacts'>): PhoneCounts {
  const held = counted.get(state.contacts);
  if (held?.endpoints === state.endpoints) return held.counts;
  const counts = phoneCounts(state);
  counted.set(state.contacts, { endpoints: state.endpoints, counts });
  return counts;
}

export function PhoneCount() {
  // A string, so the header re-renders only when a count changes, not on every op.
  const text = usePbx((s) => {
    let total = 0;
    let registered = 0;
    let reachable = 0;
    for (const b of shownBoards(s)) {
      const c = countsOf(b.state);
      total += c.total;
      registered += c.registered;
      reachable += c.reachable;
    }
    return total ? `${registered} ${total} ${reachable}` : '';
  });
  if (!text) return null;
  const [registered, total, reachable] = text.split(' ').map(Number);
  return (
    <span
      className="hidden text-xs text-zinc-600 tabular lg:inline dark:text-zinc-400"
      data-testid="phone-count"
      title={`${reachable} of ${total} phones reachable`}
    >
      <span className="font-medium text-zinc-800 dark:text-zinc-200">{registered}</span> of {total} phones registered
    </span>
  );
}
