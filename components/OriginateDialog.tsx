'use client';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { callerIdSchema, dialNumberSchema, extensionSchema } from '@/lib/actions';
import { sendAction, usePbx, type PbxStore } from '@/lib/store';
import { boardLive, shownBoards } from '@/lib/ui/selectors';
import { dialSuggestions, type DialSuggestions } from '@/lib/ui/suggestions';
import { showToast, updateToast } from '@/lib/ui/toasts';
import { buttonStyles, Dialog, inputStyles } from './Dialog';
import { IconPhoneCall } from './icons';

type Field = 'from' | 'to' | 'callerId';

// Hints read as hints: italic, dim, and worded so they can't pass for a value already filled in.
const hintStyles = 'placeholder:italic';

/**
 * Places a call: Asterisk first rings `from`, then dials `to`. The toast
 * follows the call until Asterisk's OriginateResponse says how it went.
 */
export function OriginateDialog({ open, to, onClose }: { open: boolean; to?: string; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="New call"
      description="Your extension rings first; when you answer, Asterisk dials the number."
    >
      {/* Mounted only while open, so the board's changes don't re-render a closed dialog. */}
      <OriginateForm onClose={onClose} to={to} />
    </Dialog>
  );
}

/** The PBXs a call can be placed on: those shown, live ones first (a call needs a live link). */
function placeable(s: PbxStore) {
  const boards = shownBoards(s);
  return [...boards.filter((b) => boardLive(s, b)), ...boards.filter((b) => !boardLive(s, b))];
}

function OriginateForm({ onClose, to }: { onClose: () => void; to?: string }) {
  // Fixed when the dialog opens, like the suggestions: a list that moved under the cursor would be worse than a stale one.
  const [choices] = useState(() => placeable(usePbx.getState()).map((b) => ({ id: b.id, label: b.label, state: b.state })));
  const [pbx, setPbx] = useState(choices[0]?.id ?? '');
  const [form, setForm] = useState({ from: '', to: to ?? '', callerId: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const suggest = useMemo<DialSuggestions>(() => {
    const board = choices.find((c) => c.id === pbx);
    return board ? dialSuggestions(board.state) : { from: [], to: [] };
  }, [choices, pbx]);
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

    const request = { type: 'originate' as const, pbx, from: from.data, to: to.data, ...(cid ? { callerId: cid.data } : {}) };
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

  /** A datalist only when there is something in it: an empty one still draws a suggestion arrow. */
  const suggestions = (name: Field, values: string[]) =>
    values.length === 0 ? null : (
      <datalist id={`${uid}-${name}-list`}>
        {values.map((x) => (
          <option key={x} value={x} />
        ))}
      </datalist>
    );

  const field = (
    name: Field,
    label: string,
    hint: string,
    values: string[],
    props: React.InputHTMLAttributes<HTMLInputElement> & { 'data-autofocus'?: boolean },
  ) => (
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
        className={`${inputStyles} ${hintStyles} mt-1.5`}
        autoComplete="off"
        list={values.length > 0 ? `${uid}-${name}-list` : undefined}
        {...props}
      />
      {suggestions(name, values)}
      <p
        id={`${uid}-${name}-hint`}
        className={`mt-1 text-xs ${errors[name] ? 'text-rose-700 dark:text-rose-400' : 'text-zinc-600 dark:text-zinc-400'}`}
      >
        {errors[name] ?? hint}
      </p>
    </div>
  );

  const example = suggest.from[0];
  const other = suggest.to.find((x) => x !== example);
  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      {choices.length > 1 && (
        <div>
          <label htmlFor={`${uid}-pbx`} className="block text-sm font-medium">
            PBX
          </label>
          <select
            id={`${uid}-pbx`}
            data-testid="originate-pbx"
            value={pbx}
            onChange={(e) => setPbx(e.target.value)}
            className={`${inputStyles} mt-1.5`}
          >
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {field('from', 'From extension', 'The phone that rings first', suggest.from, {
        inputMode: 'tel',
        placeholder: example ? `e.g. ${example}` : 'Your extension',
        'data-autofocus': true,
      })}
      {field('to', 'To number', 'An extension or an outside number', suggest.to, {
        inputMode: 'tel',
        placeholder: other ? `e.g. ${other}` : 'Extension or number',
      })}
      {field('callerId', 'Caller ID (optional)', 'A number, or Name <number>', [], { placeholder: 'e.g. Support <5550100>' })}
      <div className="flex justify-end gap-2 pt-2">
        <button type="button" className={buttonStyles.secondary} onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className={buttonStyles.primary}>
          <IconPhoneCall width={14} height={14} /> Call
        </button>
      </div>
    </form>
  );
}
