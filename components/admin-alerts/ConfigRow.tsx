'use client';
/**
 * One rule or webhook in its list: what it is, an enable toggle, Edit,
 * "Send a test alert" with the answer shown under it, and Delete behind a
 * confirmation.
 */
import { useState, type ReactNode } from 'react';
import type { Delivery } from '@/lib/alerts/model';
import { buttonStyles } from '../Dialog';
import type { SendResult } from './use-alert-config';

export function ConfigRow({
  title,
  detail,
  path,
  enabled,
  send,
  onEdit,
  canTest,
  testid,
}: {
  title: string;
  detail: ReactNode;
  /** `/api/alert-rules/{id}` or `/api/webhooks/{id}`. */
  path: string;
  enabled: boolean;
  send: (method: string, path: string, body?: unknown) => Promise<SendResult>;
  onEdit: () => void;
  /** Why a test cannot be sent ('' when it can). */
  canTest: string;
  testid: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);

  const run = async (method: string, suffix: string, body?: unknown, show?: (result: SendResult) => string) => {
    setBusy(true);
    const result = await send(method, `${path}${suffix}`, body);
    setBusy(false);
    if (!result.ok) setAnswer({ ok: false, text: result.message });
    else setAnswer(show ? { ok: true, text: show(result) } : null);
  };

  const tested = (result: SendResult): string => {
    if (!result.ok) return result.message;
    const { deliveries } = result.body as { deliveries: Delivery[] };
    return deliveries
      .map(
        (d) =>
          `${d.outcome === 'sent' ? 'Sent' : 'Not delivered'}: ${d.status || 'no answer'}${d.answer ? ` “${d.answer}”` : ''} in ${Math.round(d.ms)} ms`,
      )
      .join('; ');
  };

  return (
    <li
      data-testid={testid}
      className={`flex flex-col gap-2 rounded-xl border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900/50 ${enabled ? '' : 'opacity-70'}`}
    >
      <div className="flex flex-wrap items-start gap-x-3 gap-y-2">
        <div className="min-w-0 flex-1">
          <p className="font-medium break-words">{title}</p>
          <div className="text-sm text-zinc-600 dark:text-zinc-400">{detail}</div>
        </div>
        <label className="flex items-center gap-1.5 text-sm">
          <input type="checkbox" checked={enabled} disabled={busy} onChange={(e) => void run('PUT', '', { enabled: e.target.checked })} />
          Enabled
        </label>
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="button" className={buttonStyles.secondary} onClick={onEdit}>
          Edit
        </button>
        <button
          type="button"
          className={buttonStyles.secondary}
          disabled={busy || canTest !== ''}
          title={canTest || undefined}
          onClick={() => void run('POST', '/test', undefined, tested)}
        >
          Send a test alert
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              className={buttonStyles.danger}
              disabled={busy}
              onClick={() => void run('DELETE', '').then(() => setConfirming(false))}
            >
              Yes, delete {title}
            </button>
            <button type="button" className={buttonStyles.ghost} onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" className={buttonStyles.ghost} onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </div>
      {canTest && <p className="text-xs text-zinc-600 dark:text-zinc-400">{canTest}</p>}
      {answer && (
        <p
          role={answer.ok ? 'status' : 'alert'}
          className={`text-sm ${answer.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}`}
        >
          {answer.text}
        </p>
      )}
    </li>
  );
}
