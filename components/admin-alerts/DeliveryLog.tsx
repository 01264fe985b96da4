'use client';
/** The latest delivery attempts, newest first; on a phone the table scrolls sideways, the page does not. */
import type { Delivery, WebhookView } from '@/lib/alerts/model';
import { deliveryRows } from '@/lib/ui/admin-alerts/delivery-rows';

const OUTCOME_STYLE = {
  sent: 'text-emerald-700 dark:text-emerald-400',
  retrying: 'text-amber-700 dark:text-amber-400',
  failed: 'text-rose-700 dark:text-rose-400',
} as const;

export function DeliveryLog({
  deliveries,
  webhooks,
  problem,
}: {
  deliveries: readonly Delivery[];
  webhooks: readonly WebhookView[];
  problem: string;
}) {
  const rows = deliveryRows(deliveries, webhooks);
  return (
    <section aria-labelledby="delivery-log" className="flex flex-col gap-2">
      <h2 id="delivery-log" className="font-semibold">
        Delivery log
      </h2>
      {problem && <p className="text-sm text-zinc-600 dark:text-zinc-400">{problem}</p>}
      {!problem && rows.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">Nothing delivered yet.</p>}
      {rows.length > 0 && (
        // Focusable, so a keyboard can scroll the table sideways on a narrow screen (axe: scrollable-region-focusable).
        <div
          role="region"
          aria-labelledby="delivery-log"
          tabIndex={0}
          className="overflow-x-auto rounded-xl border border-zinc-200 focus-visible:outline-2 focus-visible:outline-sky-600 dark:border-zinc-800"
        >
          <table className="w-full text-left text-sm" data-testid="delivery-log">
            <thead className="bg-zinc-50 text-xs text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
              <tr>
                {['Time', 'Webhook', 'Event', 'Attempt', 'Status', 'Answer', 'Took', 'Outcome'].map((h) => (
                  <th key={h} scope="col" className="px-2 py-1.5 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                  <td className="px-2 py-1.5 whitespace-nowrap tabular-nums" title={r.date}>
                    {r.time}
                  </td>
                  <td className="px-2 py-1.5">{r.webhook}</td>
                  <td className="px-2 py-1.5 whitespace-nowrap">{r.event}</td>
                  <td className="px-2 py-1.5 tabular-nums">{r.attempt}</td>
                  <td className="px-2 py-1.5 tabular-nums">{r.status}</td>
                  <td className="max-w-[18rem] truncate px-2 py-1.5" title={r.answer}>
                    {r.answer}
                  </td>
                  <td className="px-2 py-1.5 whitespace-nowrap tabular-nums">{r.ms}</td>
                  <td className={`px-2 py-1.5 font-medium ${OUTCOME_STYLE[r.outcome]}`}>{r.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
