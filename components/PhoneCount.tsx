'use client';
/** "12 of 14 phones registered" in the header, over the PBXs on screen; nothing when no PBX reports phones. */
import { usePbx } from '@/lib/store';
import { shownBoards } from '@/lib/ui/selectors';
import { phoneCounts } from '@/lib/ui/phones';

export function PhoneCount() {
  // A string, so the header re-renders only when a count changes, not on every op.
  const text = usePbx((s) => {
    let total = 0;
    let registered = 0;
    let reachable = 0;
    for (const b of shownBoards(s)) {
      const c = phoneCounts(b.state);
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
