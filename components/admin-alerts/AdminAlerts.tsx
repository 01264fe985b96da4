'use client';
/**
 * Alert rules and the webhooks they deliver to, for an admin: the lists,
 * the forms to create and edit, the toggles, the test buttons and the
 * delivery log. The server validates every change and says what is wrong;
 * its words are shown beside the field they name.
 */
import { useState } from 'react';
import { useMe } from '@/lib/ui/session';
import { ruleSummary } from '@/lib/ui/admin-alerts/rule-draft';
import { EVENT_LABELS, FORMAT_LABELS } from '@/lib/ui/admin-alerts/webhook-draft';
import { AdminShell } from '../AdminShell';
import { buttonStyles } from '../Dialog';
import { ConfigRow } from './ConfigRow';
import { DeliveryLog } from './DeliveryLog';
import { RuleForm } from './RuleForm';
import { useAlertConfig } from './use-alert-config';
import { WebhookForm } from './WebhookForm';

const SEVERITY_STYLE = {
  info: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  warning: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  critical: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300',
} as const;

/** Which form is open: none, a new one, or the one of this id. */
type Editing = null | 'new' | string;

export function AdminAlerts() {
  const me = useMe();
  const config = useAlertConfig();
  const { rules, webhooks, send } = config;
  const [rule, setRule] = useState<Editing>(null);
  const [hook, setHook] = useState<Editing>(null);
  const names = new Map((webhooks ?? []).map((w) => [w.id, w.name]));

  return (
    <AdminShell me={me}>
      <h1 className="text-lg font-semibold">Alerts and webhooks</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Rules are checked on the server against what the board shows. When one fires it shows on every board and, outside its quiet hours
        and cooldown, goes to the webhooks it names.
      </p>
      {config.error && (
        <p
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {config.error}
        </p>
      )}

      <section aria-labelledby="alert-rules" className="flex flex-col gap-2">
        <div className="flex items-center gap-3">
          <h2 id="alert-rules" className="font-semibold">
            Rules
          </h2>
          {rules && rule !== 'new' && (
            <button type="button" className={`${buttonStyles.primary} ml-auto`} onClick={() => setRule('new')}>
              New rule
            </button>
          )}
        </div>
        {rule === 'new' && (
          <RuleForm
            rule={null}
            queues={config.queues}
            pbxs={config.pbxs}
            webhooks={webhooks ?? []}
            send={send}
            onDone={() => setRule(null)}
          />
        )}
        {rules === null && !config.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>}
        {rules?.length === 0 && rule !== 'new' && <p className="text-sm text-zinc-600 dark:text-zinc-400">No rules yet.</p>}
        <ul className="flex flex-col gap-2">
          {rules?.map((r) =>
            rule === r.id ? (
              <li key={r.id}>
                <RuleForm
                  rule={r}
                  queues={config.queues}
                  pbxs={config.pbxs}
                  webhooks={webhooks ?? []}
                  send={send}
                  onDone={() => setRule(null)}
                />
              </li>
            ) : (
              <ConfigRow
                key={r.id}
                testid={`rule-${r.name}`}
                title={r.name}
                path={`/api/alert-rules/${encodeURIComponent(r.id)}`}
                enabled={r.enabled}
                send={send}
                onEdit={() => setRule(r.id)}
                canTest={r.webhooks.length ? '' : 'It delivers to no webhook, so a test has nowhere to go'}
                detail={
                  <>
                    <span className={`mr-2 rounded px-1.5 py-0.5 text-xs font-medium ${SEVERITY_STYLE[r.severity]}`}>{r.severity}</span>
                    {ruleSummary(r)}
                    {r.webhooks.length > 0 && <> · to {r.webhooks.map((w) => names.get(w) ?? w).join(', ')}</>}
                  </>
                }
              />
            ),
          )}
        </ul>
      </section>

      <section aria-labelledby="alert-webhooks" className="flex flex-col gap-2">
        <div className="flex items-center gap-3">
          <h2 id="alert-webhooks" className="font-semibold">
            Webhooks
          </h2>
          {webhooks && hook !== 'new' && (
            <button type="button" className={`${buttonStyles.primary} ml-auto`} onClick={() => setHook('new')}>
              New webhook
            </button>
          )}
        </div>
        {hook === 'new' && <WebhookForm webhook={null} send={send} onDone={() => setHook(null)} />}
        {webhooks?.length === 0 && hook !== 'new' && <p className="text-sm text-zinc-600 dark:text-zinc-400">No webhooks yet.</p>}
        <ul className="flex flex-col gap-2">
          {webhooks?.map((w) =>
            hook === w.id ? (
              <li key={w.id}>
                <WebhookForm webhook={w} send={send} onDone={() => setHook(null)} />
              </li>
            ) : (
              <ConfigRow
                key={w.id}
                testid={`webhook-${w.name}`}
                title={w.name}
                path={`/api/webhooks/${encodeURIComponent(w.id)}`}
                enabled={w.enabled}
                send={send}
                onEdit={() => setHook(w.id)}
                canTest=""
                detail={
                  <span className="break-all">
                    {FORMAT_LABELS[w.format]} to {w.urlShown}
                    {w.hasSecret ? ' · signed' : ''} · {w.events.map((e) => EVENT_LABELS[e]).join(', ')}
                    {w.queues ? ` · queues ${w.queues.join(', ')}` : ''}
                  </span>
                }
              />
            ),
          )}
        </ul>
      </section>

      <DeliveryLog deliveries={config.deliveries} webhooks={webhooks ?? []} problem={config.deliveriesProblem} />
    </AdminShell>
  );
}
