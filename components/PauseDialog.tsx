'use client';
import { useId, useState, type FormEvent } from 'react';
import { pauseReasonSchema } from '@/lib/actions';
import { usePbx } from '@/lib/store';
import { act } from '@/lib/ui/act';
import { buttonStyles, Dialog, inputStyles } from './Dialog';
import { FormActions, FormField } from './FormField';

/** The reasons offered first when the server names none (it sends the configured list per PBX); any other can be typed. */
export const PAUSE_REASONS = ['Break', 'Lunch', 'Coaching', 'Training', 'Meeting', 'Admin'] as const;
const NO_REASONS: readonly string[] = [];

export interface PauseTarget {
  pbx: string;
  interface: string;
  name: string;
  /** One queue only; every queue the agent is in when absent. */
  queue?: string;
}

/** Pauses an agent in one queue or every queue, with a reason; the toast carries Asterisk's answer. */
export function PauseDialog({ target, onClose }: { target: PauseTarget | null; onClose: () => void }) {
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title={target ? `Pause ${target.name}` : 'Pause'}
      description="In every queue the agent is in, or in one."
    >
      {target && <PauseForm key={`${target.pbx} ${target.interface}`} target={target} onClose={onClose} />}
    </Dialog>
  );
}

function PauseForm({ target, onClose }: { target: PauseTarget; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [queue, setQueue] = useState('');
  const uid = useId();
  const members = usePbx((s) => s.boards.find((b) => b.id === target.pbx)?.state.members);
  const queues = Object.values(members ?? {})
    .filter((m) => m.interface === target.interface && !m.paused)
    .map((m) => m.queue)
    .sort();
  const configured = usePbx((s) => s.boards.find((b) => b.id === target.pbx)?.pauseReasons ?? NO_REASONS);
  const reasons = configured.length ? configured : PAUSE_REASONS;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = reason.trim();
    const parsed = text ? pauseReasonSchema.safeParse(text) : null;
    if (parsed && !parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Not a reason');
    onClose();
    void pauseAgent(queue ? { ...target, queue } : target, true, parsed?.data);
  };

  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      <FormField id={`${uid}-reason`} label="Reason" hint="Shown on the agent’s card; optional" error={error}>
        <input
          id={`${uid}-reason`}
          name="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          list={`${uid}-reasons`}
          placeholder="e.g. Lunch"
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={`${uid}-reason-hint`}
          className={`${inputStyles} mt-1.5 placeholder:italic`}
          data-autofocus
        />
        <datalist id={`${uid}-reasons`}>
          {reasons.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </FormField>
      <div className="flex flex-wrap gap-1.5" role="group" aria-label="Common reasons">
        {reasons.map((r) => (
          <button key={r} type="button" className={`${buttonStyles.secondary} h-7 px-2 text-xs`} onClick={() => setReason(r)}>
            {r}
          </button>
        ))}
      </div>
      {queues.length > 1 && (
        <div>
          <label htmlFor={`${uid}-queue`} className="block text-sm font-medium">
            Queue
          </label>
          <select id={`${uid}-queue`} value={queue} onChange={(e) => setQueue(e.target.value)} className={`${inputStyles} mt-1.5`}>
            <option value="">Every queue</option>
            {queues.map((q) => (
              <option key={q} value={q}>
                {q} only
              </option>
            ))}
          </select>
        </div>
      )}
      <FormActions onCancel={onClose} submit="Pause" />
    </form>
  );
}

/** Sends the pause or unpause and follows it with a toast. */
export async function pauseAgent(target: PauseTarget, paused: boolean, reason?: string): Promise<void> {
  await act(
    {
      type: 'pause',
      pbx: target.pbx,
      interface: target.interface,
      paused,
      ...(target.queue ? { queue: target.queue } : {}),
      ...(reason ? { reason } : {}),
    },
    {
      pending: `${paused ? 'Pausing' : 'Resuming'} ${target.name}${target.queue ? ` in ${target.queue}` : ''}…`,
      done: paused ? `${target.name} paused` : `${target.name} resumed`,
      failed: paused ? 'Pause failed' : 'Resume failed',
      detail: reason ? `Reason: ${reason}` : undefined,
    },
  );
}
