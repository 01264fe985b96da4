'use client';
import { dismissToast, useToasts, type ToastTone } from '@/lib/ui/toasts';
import { IconAlert, IconCheck, IconSpinner, IconX } from './icons';

const TONE: Record<ToastTone, { icon: React.ReactNode; ring: string }> = {
  pending: { icon: <IconSpinner className="text-zinc-400" />, ring: 'border-zinc-200 dark:border-zinc-700' },
  info: { icon: <IconCheck className="text-sky-500" />, ring: 'border-zinc-200 dark:border-zinc-700' },
  success: { icon: <IconCheck className="text-emerald-500" />, ring: 'border-emerald-200 dark:border-emerald-900' },
  error: { icon: <IconAlert className="text-rose-500" />, ring: 'border-rose-200 dark:border-rose-900' },
};

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  return (
    // Hang up buttons sit at the right of every row, so toasts keep to the left (and to the top on a phone, where rows span the width).
    <div
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 top-14 z-50 flex flex-col items-center gap-2 p-4 sm:top-auto sm:bottom-0 sm:items-start"
    >
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.tone === 'error' ? 'alert' : 'status'}
          data-testid="toast"
          data-tone={t.tone}
          className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-xl border bg-white p-3.5 shadow-lg shadow-black/10 dark:bg-zinc-900 ${TONE[t.tone].ring}`}
        >
          <span className="mt-0.5 shrink-0">{TONE[t.tone].icon}</span>
          <div className="min-w-0 flex-1">
            <p className="text-sm font-medium">{t.title}</p>
            {t.detail && <p className="mt-0.5 break-words text-sm text-zinc-600 dark:text-zinc-400">{t.detail}</p>}
            {t.link && (
              <a
                href={t.link.href}
                target="_blank"
                rel="noopener noreferrer"
                className="mt-1 inline-block text-sm font-medium text-sky-700 underline underline-offset-2 dark:text-sky-400"
              >
                {t.link.label}
              </a>
            )}
          </div>
          <button
            type="button"
            aria-label="Dismiss"
            onClick={() => dismissToast(t.id)}
            className="shrink-0 rounded p-0.5 text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
          >
            <IconX width={14} height={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
