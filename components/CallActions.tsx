'use client';
/**
 * What a supervisor can do to one call: hang up (confirmed), and a menu with
 * transfer, redirect, park, listen, whisper and barge. Only the actions the
 * user may take are there at all.
 */
import type { ActionKind } from '@/lib/grants';
import type { Call } from '@/lib/pbx/model';
import { act } from '@/lib/ui/act';
import { openDialog } from '@/lib/ui/dialogs';
import { useCan } from '@/lib/ui/grants';
import { ActionMenu, type MenuItem } from './ActionMenu';
import { IconPhoneOff } from './icons';

const SPY = [
  { kind: 'listen', label: 'Listen', pending: 'Ringing your phone to listen…', done: 'Listening', failed: 'Listen failed' },
  { kind: 'whisper', label: 'Whisper to agent', pending: 'Ringing your phone to whisper…', done: 'Whispering', failed: 'Whisper failed' },
  { kind: 'barge', label: 'Barge in', pending: 'Ringing your phone to join…', done: 'Joined the call', failed: 'Barge failed' },
] as const satisfies readonly { kind: ActionKind; label: string; pending: string; done: string; failed: string }[];

const staleTitle = (live: boolean) => (live ? undefined : 'Not while the data is stale');

export function CallActions({ pbx, call, live }: { pbx: string; call: Call; live: boolean }) {
  const can = useCan();
  const who = `${call.from.name || call.from.num} → ${call.to.name || call.to.num || call.did}`;
  const answered = call.answeredAt > 0 && (call.state === 'talking' || call.state === 'hold');
  const items: MenuItem[] = [];
  if (can.has('transfer') && answered)
    items.push({ label: 'Transfer…', testId: 'call-transfer', onSelect: () => openDialog({ kind: 'transfer', pbx, call: call.id }) });
  if (can.has('redirect'))
    items.push({ label: 'Redirect…', testId: 'call-redirect', onSelect: () => openDialog({ kind: 'redirect', pbx, call: call.id }) });
  if (can.has('park') && answered)
    items.push({
      label: 'Park',
      testId: 'call-park',
      onSelect: () =>
        void act(
          { type: 'park', pbx, call: call.id },
          { pending: 'Parking the call…', done: 'Call parked', failed: 'Park failed', detail: who },
        ),
    });
  if (answered) {
    for (const spy of SPY) {
      if (!can.has(spy.kind)) continue;
      items.push({
        label: spy.label,
        testId: `call-${spy.kind}`,
        onSelect: () =>
          void act({ type: spy.kind, pbx, call: call.id }, { pending: spy.pending, done: spy.done, failed: spy.failed, detail: who }),
      });
    }
  }
  return (
    <span className="flex items-center justify-end gap-1">
      {can.has('hangup') && (
        <button
          type="button"
          onClick={() => openDialog({ kind: 'hangup', pbx, call: call.id })}
          disabled={!live}
          title={staleTitle(live)}
          className="inline-flex h-7 items-center gap-1 rounded-md px-2 text-xs font-medium text-rose-600 ring-1 ring-inset ring-rose-200 hover:bg-rose-50 disabled:cursor-not-allowed disabled:opacity-50 disabled:hover:bg-transparent dark:text-rose-400 dark:ring-rose-900 dark:hover:bg-rose-950/50"
          aria-label={`Hang up call from ${call.from.name || call.from.num}`}
        >
          <IconPhoneOff width={13} height={13} /> Hang up
        </button>
      )}
      <ActionMenu
        label={`More actions for the call from ${call.from.name || call.from.num}`}
        items={items}
        disabled={!live}
        title={staleTitle(live) ?? 'More actions'}
        testId="call-menu"
        className="inline-flex size-7 items-center justify-center rounded-md text-base text-zinc-600 ring-1 ring-inset ring-zinc-200 hover:bg-zinc-50 disabled:cursor-not-allowed disabled:opacity-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
      />
    </span>
  );
}
