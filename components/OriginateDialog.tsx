'use client';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { callerIdSchema, dialNumberSchema, extensionSchema } from '@/lib/actions';
import { sendAction, usePbx } from '@/lib/store';
import { showToast, updateToast } from '@/lib/ui/toasts';
import { buttonStyles, Dialog, inputStyles } from './Dialog';
import { IconPhoneCall } from './icons';

type Field = 'from' | 'to' | 'callerId';

/** Extensions the PBX knows (from hints and devices), offered as suggestions. */
function useKnownExtensions(): string[] {
  const devices = usePbx((s) => s.state.devices);
  return useMemo(() => {
    const set = new Set<string>();
    for (const id in devices) {
      const m = /^(?:[A-Za-z]+\/)?([0-9*#+]{1,20})(?:@|$)/.exec(id);
      if (m) set.add(m[1]);
    }
    return [...set].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  }, [devices]);
}

/**
 * Places a call: Asterisk first rings `from`, then dials `to`. The toast
 * follows the call until Asterisk's OriginateResponse says how it went.
 */
export function OriginateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form, setForm] = useState({ from: '', to: '', callerId: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const extensions = useKnownExtensions();
  const uid = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Partial<Record<Field, string>> = {};
    const from = extensionSchema.safeParse(form.from.trim());
    const to = dialNumberSchema.safeParse(form.to.trim());
    const cid = form.callerId.trim() ? callerIdSchema.safeParse(form.callerId.trim()) : null;
    if (!from.success) next.from = from.error.issues[0]?.message;
    if (!to.success) next.to = to.error.issues[0]?.message;
    if (cid && !cid.success) next.callerId = cid.error.issues[0]?.message;
    setErrors(next);
    if (!from.success || !to.success || (cid && !cid.success)) return;

    const request = { type: 'originate' as const, from: from.data, to: to.data, ...(cid ? { callerId: cid.data } : {}) };
    const toast = showToast({ tone: 'pending', title: `Calling ${request.to}…`, detail: `Ringing extension ${request.from} first` });
    onClose();
    void sendAction(request).then((result) =>
      updateToast(
        toast,
        result.ok
          ? { tone: 'success', title: `Call to ${request.to} placed`, detail: result.message }
          : { tone: 'error', title: `Call to ${request.to} failed`, detail: result.message },
      ),
    );
  };

  const field = (name: Field, label: string, hint: string, props: React.InputHTMLAttributes<HTMLInputElement> & { 'data-autofocus'?: boolean }) => (
    <div>
      <label htmlFor={`${uid}-${name}`} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={`${uid}-${name}`}
        name={name}
        value={form[name]}
        onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={`${uid}-${name}-hint`}
        className={`${inputStyles} mt-1.5`}
        autoComplete="off"
        {...props}
      />
      <p id={`${uid}-${name}-hint`} className={`mt-1 text-xs ${errors[name] ? 'text-rose-600 dark:text-rose-400' : 'text-zinc-500'}`}>
        {errors[name] ?? hint}
      </p>
    </div>
  );

  return (
    <Dialog open={open} onClose={onClose} title="New call" description="Your extension rings first; when you answer, Asterisk dials the number.">
      <form onSubmit={submit} className="space-y-3" noValidate>
        {field('from', 'From extension', 'The phone that rings first', {
          inputMode: 'tel',
          placeholder: extensions[0] ?? '101',
          list: `${uid}-extensions`,
          'data-autofocus': true,
        })}
        <datalist id={`${uid}-extensions`}>
          {extensions.map((x) => (
            <option key={x} value={x} />
          ))}
        </datalist>
        {field('to', 'To number', 'An extension or an outside number', { inputMode: 'tel', placeholder: '200' })}
        {field('callerId', 'Caller ID (optional)', 'A number, or Name <number>', { placeholder: 'Support <5550100>' })}
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" className={buttonStyles.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={buttonStyles.primary}>
            <IconPhoneCall width={14} height={14} /> Call
          </button>
        </div>
      </form>
    </Dialog>
  );
}
