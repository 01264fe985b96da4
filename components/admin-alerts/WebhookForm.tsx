'use client';
/**
 * Create or edit one webhook. The URL and the secret are write-only:
 * editing, the URL field starts empty (empty keeps it; the page shows only
 * its host and a hint) and the secret is kept, replaced or removed.
 */
import { useId, useState, type FormEvent } from 'react';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type WebhookView } from '@/lib/alerts/model';
import {
  draftFromWebhook,
  emptyWebhookDraft,
  EVENT_LABELS,
  FORMAT_LABELS,
  webhookBody,
  type WebhookDraft,
} from '@/lib/ui/admin-alerts/webhook-draft';
import { fieldOfError, messageOfError } from '@/lib/ui/admin-alerts/rule-draft';
import { FormActions, FormField } from '../FormField';
import { inputStyles } from '../Dialog';
import type { SendResult } from './use-alert-config';

const FIELDS = ['name', 'url', 'format', 'events', 'queues', 'secret', 'enabled'];

export function WebhookForm({
  webhook,
  send,
  onDone,
}: {
  webhook: WebhookView | null;
  send: (method: string, path: string, body?: unknown) => Promise<SendResult>;
  onDone: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<WebhookDraft>(() => (webhook ? draftFromWebhook(webhook) : emptyWebhookDraft()));
  const [problem, setProblem] = useState('');
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof WebhookDraft>(key: K, value: WebhookDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const field = fieldOfError(problem, FIELDS);
  const errorFor = (name: string) => (field === name ? messageOfError(problem) : '');
  const input = (name: string) => ({
    id: `${id}-${name}`,
    'aria-invalid': errorFor(name) !== '',
    'aria-describedby': `${id}-${name}-hint`,
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    const path = webhook ? `/api/webhooks/${encodeURIComponent(webhook.id)}` : '/api/webhooks';
    const result = await send(webhook ? 'PUT' : 'POST', path, webhookBody(draft, webhook !== null));
    setSaving(false);
    if (!result.ok) return setProblem(result.message);
    setProblem('');
    onDone();
  };

  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label={webhook ? `Edit webhook ${webhook.name}` : 'New webhook'}
      className="grid grid-cols-1 gap-3 rounded-xl border border-zinc-200 bg-white p-4 sm:grid-cols-2 dark:border-zinc-800 dark:bg-zinc-900/50"
    >
      <FormField id={`${id}-name`} label="Name" error={errorFor('name')} hint="">
        <input {...input('name')} className={inputStyles} value={draft.name} onChange={(e) => set('name', e.target.value)} maxLength={80} />
      </FormField>
      <FormField
        id={`${id}-url`}
        label="URL"
        error={errorFor('url')}
        hint={
          webhook
            ? `Now ${webhook.urlShown}; leave empty to keep it`
            : 'http:// or https://; a Slack or Teams URL is a secret, and is never shown again'
        }
      >
        <input
          {...input('url')}
          className={inputStyles}
          type="url"
          inputMode="url"
          autoComplete="off"
          value={draft.url}
          placeholder={webhook ? webhook.urlShown : 'https://hooks.slack.com/services/…'}
          onChange={(e) => set('url', e.target.value)}
        />
      </FormField>
      <FormField id={`${id}-format`} label="Format" error={errorFor('format')} hint="">
        <select
          {...input('format')}
          className={inputStyles}
          value={draft.format}
          onChange={(e) => set('format', e.target.value as WebhookDraft['format'])}
        >
          {WEBHOOK_FORMATS.map((f) => (
            <option key={f} value={f}>
              {FORMAT_LABELS[f]}
            </option>
          ))}
        </select>
      </FormField>
      <FormField id={`${id}-queues`} label="Queues (call events)" error={errorFor('queues')} hint="Comma-separated; empty for every queue">
        <input
          {...input('queues')}
          className={inputStyles}
          value={draft.queues}
          placeholder="every queue"
          onChange={(e) => set('queues', e.target.value)}
        />
      </FormField>
      <fieldset className="flex flex-col gap-1.5 sm:col-span-2">
        <legend className="text-sm font-medium">Events</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev} className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                checked={draft.events.includes(ev)}
                onChange={(e) => set('events', e.target.checked ? [...draft.events, ev] : draft.events.filter((x) => x !== ev))}
              />
              {EVENT_LABELS[ev]}
            </label>
          ))}
        </div>
        {errorFor('events') && <p className="text-xs text-rose-700 dark:text-rose-400">{errorFor('events')}</p>}
      </fieldset>
      <fieldset className="flex flex-col gap-1.5 sm:col-span-2">
        <legend className="text-sm font-medium">Signing secret (HMAC-SHA256, header X-Callboard-Signature)</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {webhook && (
            <label className="flex items-center gap-1.5">
              <input
                type="radio"
                name={`${id}-secret`}
                checked={draft.secretChoice === 'keep'}
                onChange={() => set('secretChoice', 'keep')}
              />
              {webhook.hasSecret ? 'Keep the secret' : 'No secret'}
            </label>
          )}
          {!webhook && (
            <label className="flex items-center gap-1.5">
              <input
                type="radio"
                name={`${id}-secret`}
                checked={draft.secretChoice !== 'set'}
                onChange={() => set('secretChoice', 'keep')}
              />
              No secret
            </label>
          )}
          <label className="flex items-center gap-1.5">
            <input type="radio" name={`${id}-secret`} checked={draft.secretChoice === 'set'} onChange={() => set('secretChoice', 'set')} />
            {webhook?.hasSecret ? 'Replace it' : 'Set one'}
          </label>
          {webhook?.hasSecret && (
            <label className="flex items-center gap-1.5">
              <input
                type="radio"
                name={`${id}-secret`}
                checked={draft.secretChoice === 'remove'}
                onChange={() => set('secretChoice', 'remove')}
              />
              Remove secret
            </label>
          )}
        </div>
        {draft.secretChoice === 'set' && (
          <input
            {...input('secret')}
            aria-label="Secret"
            className={inputStyles}
            type="password"
            autoComplete="new-password"
            value={draft.secret}
            onChange={(e) => set('secret', e.target.value)}
          />
        )}
        <p
          id={`${id}-secret-hint`}
          className={`text-xs ${errorFor('secret') ? 'text-rose-700 dark:text-rose-400' : 'text-zinc-600 dark:text-zinc-400'}`}
        >
          {errorFor('secret') || 'Write-only: it is never shown again, here or anywhere'}
        </p>
      </fieldset>
      <label className="flex items-center gap-2 text-sm sm:col-span-2">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        Enabled
      </label>
      <div className="sm:col-span-2">
        {problem && !field && (
          <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
            {problem}
          </p>
        )}
        <FormActions onCancel={onDone} submit={saving ? 'Saving…' : webhook ? 'Save webhook' : 'Create webhook'} disabled={saving} />
      </div>
    </form>
  );
}
