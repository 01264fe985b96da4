'use client';
import { useState } from 'react';
import { usePbx } from '@/lib/store';
import { act } from '@/lib/ui/act';
import { buttonStyles, Dialog } from './Dialog';
import { CallStateChip } from './CallState';
import { LiveDuration } from './LiveDuration';
import { IconPhoneOff } from './icons';

/** The confirm step before a hangup; the toast carries Asterisk's own answer. */
export function HangupDialog({ target, onClose }: { target: { pbx: string; call: string } | null; onClose: () => void }) {
  const call = usePbx((s) => {
    const calls = target && s.boards.find((b) => b.id === target.pbx)?.state.calls;
    return calls && Object.hasOwn(calls, target.call) ? calls[target.call] : undefined;
  });
  const [busy, setBusy] = useState(false);
  const who = call ? `${call.from.name || call.from.num} → ${call.to.name || call.to.num || call.did}` : '';

  const confirm = async () => {
    if (!target) return;
    setBusy(true);
    await act(
      { type: 'hangup', pbx: target.pbx, call: target.call },
      { pending: 'Hanging up…', done: 'Call hung up', failed: 'Hangup failed', detail: who },
    );
    setBusy(false);
    onClose();
  };

  return (
    <Dialog open={target !== null} onClose={onClose} title="Hang up this call?" description="Every party on the call is disconnected.">
      {call ? (
        <div className="flex items-center justify-between gap-3 rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2.5 text-sm dark:border-zinc-800 dark:bg-zinc-950">
          <span className="min-w-0 truncate font-medium">{who}</span>
          <span className="flex shrink-0 items-center gap-2">
            <CallStateChip state={call.state} />
            <LiveDuration since={call.startedAt} className="text-zinc-600 dark:text-zinc-400" />
          </span>
        </div>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">This call has already ended.</p>
      )}
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" className={buttonStyles.secondary} onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className={buttonStyles.danger} onClick={() => void confirm()} disabled={!call || busy}>
          <IconPhoneOff width={14} height={14} /> Hang up
        </button>
      </div>
    </Dialog>
  );
}
