'use client';
/**
 * Create or edit one alert rule. The threshold shows its unit (KIND_UNITS);
 * the pause reason appears only for a pause rule; the server's message
 * about a field shows beside that field.
 */
import { useId, useState, type FormEvent } from 'react';
import { ALERT_KINDS, SEVERITIES, type AlertRule, type WebhookView } from '@/lib/alerts/model';
import {
  draftFromRule,
  emptyRuleDraft,
  fieldOfError,
  KIND_LABELS,
  messageOfError,
  ruleBody,
  unitOf,
  type RuleDraft,
} from '@/lib/ui/admin-alerts/rule-draft';
import { FormActions, FormField } from '../FormField';
import { inputStyles } from '../Dialog';
import type { SendResult } from './use-alert-config';

const FIELDS = Object.keys(emptyRuleDraft()).concat(['quietHours']);

export function RuleForm({
  rule,
  queues,
  pbxs,
  webhooks,
  send,
  onDone,
}: {
  rule: AlertRule | null;
  queues: readonly string[];
  pbxs: readonly string[];
  webhooks: readonly WebhookView[];
  send: (method: string, path: string, body?: unknown) => Promise<SendResult>;
  onDone: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? draftFromRule(rule) : emptyRuleDraft()));
  const [problem, setProblem] = useState('');
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const field = fieldOfError(problem, FIELDS);
  const errorFor = (name: string) => (field === name || (name === 'quiet' && field === 'quietHours') ? messageOfError(problem) : '');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    const result = await send(
      rule ? 'PUT' : 'POST',
      rule ? `/api/alert-rules/${encodeURIComponent(rule.id)}` : '/api/alert-rules',
      ruleBody(draft),
    );
    setSaving(false);
    if (!result.ok) return setProblem(result.message);
    setProblem('');
    onDone();
  };

  // Every queue the board knows, plus the rule's own if the board has not seen it (yet).
  const queueChoices = [...new Set([...queues, ...(draft.queue ? [draft.queue] : [])])];
  const input = (name: string) => ({
    id: `${id}-${name}`,
    'aria-invalid': errorFor(name) !== '',
    'aria-describedby': `${id}-${name}-hint`,
  });

  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'}
      className="grid grid-cols-1 gap-3 rounded-xl border border-zinc-200 bg-white p-4 sm:grid-cols-2 dark:border-zinc-800 dark:bg-zinc-900/50"
    >
      <FormField id={`${id}-name`} label="Name" error={errorFor('name')} hint="Shown on the board and in each delivery">
        <input {...input('name')} className={inputStyles} value={draft.name} onChange={(e) => set('name', e.target.value)} maxLength={80} />
      </FormField>
      <FormField id={`${id}-kind`} label="What it watches" error={errorFor('kind')} hint="">
        <select
          {...input('kind')}
          className={inputStyles}
          value={draft.kind}
          onChange={(e) => set('kind', e.target.value as RuleDraft['kind'])}
        >
          {ALERT_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </FormField>
      <FormField
        id={`${id}-threshold`}
        label="Threshold"
        error={errorFor('threshold')}
        hint={draft.kind === 'sla' ? 'It fires below this' : 'It fires at or above this'}
      >
        <span className="flex items-center gap-2">
          <input
            {...input('threshold')}
            className={inputStyles}
            inputMode="decimal"
            value={draft.threshold}
            onChange={(e) => set('threshold', e.target.value)}
          />
          <span className="shrink-0 text-sm text-zinc-600 dark:text-zinc-400" data-testid="threshold-unit">
            {unitOf(draft.kind)}
          </span>
        </span>
      </FormField>
      <FormField
        id={`${id}-clearAt`}
        label="Clears at"
        error={errorFor('clearAt')}
        hint="Empty: at the threshold. Past it on the other side, so it does not flap"
      >
        <span className="flex items-center gap-2">
          <input
            {...input('clearAt')}
            className={inputStyles}
            inputMode="decimal"
            value={draft.clearAt}
            onChange={(e) => set('clearAt', e.target.value)}
          />
          <span className="shrink-0 text-sm text-zinc-600 dark:text-zinc-400">{unitOf(draft.kind)}</span>
        </span>
      </FormField>
      <FormField id={`${id}-forSeconds`} label="For (seconds)" error={errorFor('forSeconds')} hint="How long it must hold before it fires">
        <input
          {...input('forSeconds')}
          className={inputStyles}
          inputMode="numeric"
          value={draft.forSeconds}
          onChange={(e) => set('forSeconds', e.target.value)}
        />
      </FormField>
      <FormField id={`${id}-severity`} label="Severity" error={errorFor('severity')} hint="">
        <select
          {...input('severity')}
          className={inputStyles}
          value={draft.severity}
          onChange={(e) => set('severity', e.target.value as RuleDraft['severity'])}
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </FormField>
      <FormField id={`${id}-pbx`} label="PBX" error={errorFor('pbx')} hint="">
        <select {...input('pbx')} className={inputStyles} value={draft.pbx} onChange={(e) => set('pbx', e.target.value)}>
          <option value="">every PBX</option>
          {[...new Set([...pbxs, ...(draft.pbx ? [draft.pbx] : [])])].map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </FormField>
      <FormField id={`${id}-queue`} label="Queue" error={errorFor('queue')} hint="Every queue: each one on its own">
        <select {...input('queue')} className={inputStyles} value={draft.queue} onChange={(e) => set('queue', e.target.value)}>
          <option value="">every queue</option>
          {queueChoices.map((q) => (
            <option key={q} value={q}>
              {q}
            </option>
          ))}
        </select>
      </FormField>
      {draft.kind === 'paused' && (
        <FormField id={`${id}-reason`} label="Pause reason" error={errorFor('reason')} hint="Empty: any reason">
          <input
            {...input('reason')}
            className={inputStyles}
            value={draft.reason}
            onChange={(e) => set('reason', e.target.value)}
            maxLength={60}
          />
        </FormField>
      )}
      <FormField
        id={`${id}-cooldownSeconds`}
        label="Cooldown (seconds)"
        error={errorFor('cooldownSeconds')}
        hint="The least time between two deliveries for one subject"
      >
        <input
          {...input('cooldownSeconds')}
          className={inputStyles}
          inputMode="numeric"
          value={draft.cooldownSeconds}
          onChange={(e) => set('cooldownSeconds', e.target.value)}
        />
      </FormField>
      <fieldset className="flex flex-col gap-1.5 sm:col-span-2">
        <legend className="text-sm font-medium">Quiet hours</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={draft.quiet} onChange={(e) => set('quiet', e.target.checked)} />
          Shown, but not delivered or sounded between
        </label>
        <span className="flex flex-wrap items-center gap-2 text-sm">
          <input
            aria-label="Quiet from"
            type="time"
            className={`${inputStyles} w-32`}
            disabled={!draft.quiet}
            value={draft.quietStart}
            onChange={(e) => set('quietStart', e.target.value)}
          />
          and
          <input
            aria-label="Quiet until"
            type="time"
            className={`${inputStyles} w-32`}
            disabled={!draft.quiet}
            value={draft.quietEnd}
            onChange={(e) => set('quietEnd', e.target.value)}
          />
        </span>
        {errorFor('quiet') && <p className="text-xs text-rose-700 dark:text-rose-400">{errorFor('quiet')}</p>}
      </fieldset>
      <fieldset className="flex flex-col gap-1.5 sm:col-span-2">
        <legend className="text-sm font-medium">Deliver to</legend>
        {webhooks.length === 0 && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">No webhooks yet: add one below to deliver alerts.</p>
        )}
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {webhooks.map((w) => (
            <label key={w.id} className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                checked={draft.webhooks.includes(w.id)}
                onChange={(e) => set('webhooks', e.target.checked ? [...draft.webhooks, w.id] : draft.webhooks.filter((x) => x !== w.id))}
              />
              {w.name}
            </label>
          ))}
        </div>
        {errorFor('webhooks') && <p className="text-xs text-rose-700 dark:text-rose-400">{errorFor('webhooks')}</p>}
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
        <FormActions onCancel={onDone} submit={saving ? 'Saving…' : rule ? 'Save rule' : 'Create rule'} disabled={saving} />
      </div>
    </form>
  );
}
