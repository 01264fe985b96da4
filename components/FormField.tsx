/** A labelled field with one line under it: the hint, or the error in its place (linked by aria-describedby as `${id}-hint`). */
import type { ReactNode } from 'react';
import { buttonStyles } from './Dialog';

export function FormField({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint: string;
  error: string;
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      <p id={`${id}-hint`} className={`mt-1 text-xs ${error ? 'text-rose-700 dark:text-rose-400' : 'text-zinc-600 dark:text-zinc-400'}`}>
        {error || hint}
      </p>
    </div>
  );
}

/** A form's Cancel and submit buttons, at its foot. */
export function FormActions({ onCancel, submit, disabled }: { onCancel: () => void; submit: string; disabled?: boolean }) {
  return (
    <div className="flex justify-end gap-2 pt-2">
      <button type="button" className={buttonStyles.secondary} onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className={buttonStyles.primary} disabled={disabled}>
        {submit}
      </button>
    </div>
  );
}
