'use client';
/**
 * What the alerts admin page shows, over REST: the rules, the webhooks (as
 * views: never a URL or a secret), the delivery log, and the queues and
 * PBXs the board knows, for the rule form's selects. `send` is the one way a
 * change goes out; after it, everything is read again.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AlertRule, Delivery, WebhookView } from '@/lib/alerts/model';
import { goToLogin } from '@/lib/ui/session';
import { errorOf } from '../AdminShell';

export interface AlertConfig {
  rules: AlertRule[] | null;
  webhooks: WebhookView[] | null;
  deliveries: Delivery[];
  /** Why the delivery log could not be read ('' when it could). */
  deliveriesProblem: string;
  queues: string[];
  pbxs: string[];
  error: string;
  reload: () => void;
  send: (method: string, path: string, body?: unknown) => Promise<SendResult>;
}

export type SendResult = { ok: true; body: unknown } | { ok: false; message: string };

const opts = { credentials: 'same-origin', cache: 'no-store' } as const;

async function read<T>(path: string): Promise<{ ok: true; body: T } | { ok: false; message: string }> {
  const res = await fetch(path, opts);
  if (res.status === 401) {
    goToLogin();
    return { ok: false, message: 'Not logged in' };
  }
  return res.ok ? { ok: true, body: (await res.json()) as T } : { ok: false, message: await errorOf(res) };
}

/** The board's queues of every PBX, from each one's snapshot (read once: the form offers them, it does not follow them). */
async function boardQueues(): Promise<{ pbxs: string[]; queues: string[] }> {
  const list = await read<{ id: string }[]>('/api/pbx');
  if (!list.ok) return { pbxs: [], queues: [] };
  const queues = new Set<string>();
  for (const pbx of list.body) {
    const snap = await read<{ state: { queues: Record<string, { id: string }> } }>(`/api/pbx/${encodeURIComponent(pbx.id)}/snapshot`);
    if (snap.ok) for (const q of Object.values(snap.body.state.queues)) queues.add(q.id);
  }
  return { pbxs: list.body.map((p) => p.id), queues: [...queues].sort((a, b) => a.localeCompare(b)) };
}

export function useAlertConfig(): AlertConfig {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [webhooks, setWebhooks] = useState<WebhookView[] | null>(null);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [deliveriesProblem, setDeliveriesProblem] = useState('');
  const [board, setBoard] = useState<{ pbxs: string[]; queues: string[] }>({ pbxs: [], queues: [] });
  const [error, setError] = useState('');
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const [r, w, d] = await Promise.all([
          read<{ rules: AlertRule[] }>('/api/alert-rules'),
          read<{ webhooks: WebhookView[] }>('/api/webhooks'),
          read<{ deliveries: Delivery[] }>('/api/deliveries?limit=100'),
        ]);
        if (!live) return;
        setRules(r.ok ? r.body.rules : null);
        setWebhooks(w.ok ? w.body.webhooks : null);
        setError(!r.ok ? r.message : !w.ok ? w.message : '');
        setDeliveries(d.ok ? d.body.deliveries : []);
        setDeliveriesProblem(d.ok ? '' : d.message);
      } catch {
        if (live) setError('The server could not be reached');
      }
    })();
    return () => {
      live = false;
    };
  }, [generation]);

  useEffect(() => {
    let live = true;
    boardQueues()
      .then((b) => live && setBoard(b))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const send = useCallback(
    async (method: string, path: string, body?: unknown): Promise<SendResult> => {
      try {
        const res = await fetch(path, {
          method,
          credentials: 'same-origin',
          ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        });
        if (res.status === 401) {
          goToLogin();
          return { ok: false, message: 'Not logged in' };
        }
        const result: SendResult = res.ok ? { ok: true, body: await res.json() } : { ok: false, message: await errorOf(res) };
        reload();
        return result;
      } catch {
        return { ok: false, message: 'The server could not be reached; nothing was changed' };
      }
    },
    [reload],
  );

  return { rules, webhooks, deliveries, deliveriesProblem, queues: board.queues, pbxs: board.pbxs, error, reload, send };
}
