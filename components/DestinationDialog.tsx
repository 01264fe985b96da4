'use client';
import { useId, useState, type FormEvent } from 'react';
import { destinationSchema } from '@/lib/actions';
import { usePbx } from '@/lib/store';
import { act } from '@/lib/ui/act';
import { Dialog, inputStyles } from './Dialog';
import { FormActions, FormField } from './FormField';

const WORDS = {
  transfer: {
    title: 'Transfer this call',
    description: 'A blind transfer: the agent leaves, and the caller rings the number you give.',
    submit: 'Transfer',
    pending: 'Transferring…',
    done: 'Call transferred',
    failed: 'Transfer failed',
    hint: 'An extension or a number',
  },
  redirect: {
    title: 'Redirect the caller',
    description: 'Sends the caller’s leg to an extension of the dialplan, such as hold music or an announcement.',
    submit: 'Redirect',
    pending: 'Redirecting…',
    done: 'Caller redirected',
    failed: 'Redirect failed',
    hint: 'An extension in the dialplan',
  },
} as const;

/** Blind transfer or redirect of one call to a destination; the toast carries Asterisk's answer. */
export function DestinationDialog({
  target,
  onClose,
}: {
  target: { kind: 'transfer' | 'redirect'; pbx: string; call: string } | null;
  onClose: () => void;
}) {
  const words = WORDS[target?.kind ?? 'transfer'];
  return (
    <Dialog open={target !== null} onClose={onClose} title={words.title} description={words.description}>
      {target && <DestinationForm key={`${target.pbx} ${target.call}`} target={target} onClose={onClose} />}
    </Dialog>
  );
}

function DestinationForm({
  target,
  onClose,
}: {
  target: { kind: 'transfer' | 'redirect'; pbx: string; call: string };
  onClose: () => void;
}) {
  const words = WORDS[target.kind];
  const call = usePbx((s) => {
    const calls = s.boards.find((b) => b.id === target.pbx)?.state.calls;
    return calls && Object.hasOwn(calls, target.call) ? calls[target.call] : undefined;
  });
  const [to, setTo] = useState('');
  const [error, setError] = useState('');
  const uid = useId();
  const who = call ? `${call.from.name || call.from.num} → ${call.to.name || call.to.num || call.did}` : '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = destinationSchema.safeParse(to.trim());
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Not a destination');
    onClose();
    void act({ type: target.kind, pbx: target.pbx, call: target.call, to: parsed.data }, { ...words, detail: `${who} → ${parsed.data}` });
  };

  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      {call ? (
        <p className="truncate rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm font-medium dark:border-zinc-800 dark:bg-zinc-950">
          {who}
        </p>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">This call has already ended.</p>
      )}
      <FormField id={`${uid}-to`} label="To" hint={words.hint} error={error}>
        <input
          id={`${uid}-to`}
          name="to"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          inputMode="tel"
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={`${uid}-to-hint`}
          className={`${inputStyles} mt-1.5`}
          data-autofocus
        />
      </FormField>
      <FormActions onCancel={onClose} submit={words.submit} disabled={!call} />
    </form>
  );
}
