/**
 * Alert rules and webhooks on SQLite and on PostgreSQL alike: CRUD, what
 * survives a reopen, the write-only secret, the links between rules and
 * webhooks, the bounds, bad input refused with the field named, and the
 * change listeners.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertConfigError, AlertConfigStore, MAX_RULES, MAX_WEBHOOKS } from '../../server/alerts/config-store';
import { shownUrl, webhookView } from '../../server/alerts/config-view';
import { type HistoryStore } from '../../server/history/store';
import { DIALECTS, historyDatabase } from '../support/history-db';

const SLACK = 'https://hooks.slack.com/services/T000/B000/abcdefXyZ1';
const RULE = {
  name: 'Long wait in sales',
  kind: 'longest-wait',
  severity: 'warning',
  queue: 'sales',
  threshold: 120,
  clearAt: 60,
} as const;

async function refusal(p: Promise<unknown>): Promise<AlertConfigError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AlertConfigError);
  return err as AlertConfigError;
}

describe.each(DIALECTS)('alert config store on %s', (dialect) => {
  const db = historyDatabase(dialect, 'alert-config');
  let history: HistoryStore;
  let store: AlertConfigStore;
  let clock = 1_700_000_000_000;
  const skip = db.skip;

  beforeAll(() => {
    if (skip) return;
    history = db.store;
  });

  beforeEach(async (ctx) => {
    if (skip) ctx.skip(skip);
    const t = history.db.withTables<{ alert_rules: { id: string }; webhooks: { id: string } }>();
    await t.deleteFrom('alert_rules').execute();
    await t.deleteFrom('webhooks').execute();
    store = await AlertConfigStore.open(history, { now: () => clock });
  });

  it('creates, updates, disables and deletes a rule; the cache and a fresh open agree', async () => {
    const changes: number[] = [];
    store.onChange(() => changes.push(store.rules().length));
    const rule = await store.createRule(RULE, 'admin');
    expect(rule).toMatchObject({
      ...RULE,
      pbx: null,
      forSeconds: 0,
      cooldownSeconds: 300,
      webhooks: [],
      enabled: true,
      updatedBy: 'admin',
    });
    expect(rule.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.rules()).toEqual([rule]);
    clock += 1000;
    const updated = await store.updateRule(rule.id, { threshold: 180 }, 'ops');
    expect(updated).toMatchObject({ threshold: 180, clearAt: 60, name: RULE.name, updatedBy: 'ops', createdAt: rule.createdAt });
    expect(updated.updatedAt).toBe(rule.createdAt + 1000);
    const off = await store.setRuleEnabled(rule.id, false, 'ops');
    expect(off.enabled).toBe(false);
    const again = await AlertConfigStore.open(history);
    expect(again.rules()).toEqual([off]);
    await store.deleteRule(rule.id);
    expect(store.rules()).toEqual([]);
    expect(changes).toEqual([1, 1, 1, 0]);
    expect((await refusal(store.deleteRule(rule.id))).reason).toBe('absent');
  });

  it('keeps the secret write-only: absent keeps it, null removes it; the URL stays when left out', async () => {
    const hook = await store.createWebhook({ name: 'Slack #ops', url: SLACK, format: 'slack', secret: 's3cret-value' }, 'admin');
    expect(hook).toMatchObject({ url: SLACK, secret: 's3cret-value', events: ['alerts'], queues: null, enabled: true });
    const renamed = await store.updateWebhook(hook.id, { name: 'Slack ops' }, 'admin');
    expect(renamed).toMatchObject({ name: 'Slack ops', url: SLACK, secret: 's3cret-value' });
    const cleared = await store.updateWebhook(hook.id, { secret: null, url: 'https://example.org/hook' }, 'admin');
    expect(cleared).toMatchObject({ url: 'https://example.org/hook', secret: null, format: 'slack' });
    expect((await AlertConfigStore.open(history)).webhooks()).toEqual([cleared]);
    // The body column never holds the URL or the secret.
    const rows = await history.db.withTables<{ webhooks: { id: string; body: string } }>().selectFrom('webhooks').select('body').execute();
    expect(rows[0].body).not.toMatch(/example\.org|s3cret/);
  });

  it('a webhook view shows the host and a hint, never the URL or the secret', async () => {
    const hook = await store.createWebhook({ name: 'Slack', url: SLACK, secret: 'another-secret' }, 'admin');
    const view = webhookView(hook);
    expect(view.urlShown).toBe('https://hooks.slack.com/…XyZ1');
    expect(view.hasSecret).toBe(true);
    expect(JSON.stringify(view)).not.toMatch(/B000|abcdef|another-secret/);
    expect(shownUrl('https://user:pw@example.org/')).toBe('https://example.org');
    expect(shownUrl('http://10.0.0.5:8080/a')).toBe('http://10.0.0.5:8080/…');
  });

  it('a rule must name webhooks that exist; a webhook a rule names is not deleted', async () => {
    const missing = await refusal(store.createRule({ ...RULE, webhooks: ['nope'] }, 'admin'));
    expect(missing.message).toBe('webhooks: There is no webhook nope');
    const hook = await store.createWebhook({ name: 'Ops', url: 'https://example.org/ops' }, 'admin');
    const rule = await store.createRule({ ...RULE, webhooks: [hook.id, hook.id] }, 'admin');
    expect(rule.webhooks).toEqual([hook.id]);
    const inUse = await refusal(store.deleteWebhook(hook.id));
    expect(inUse.reason).toBe('in-use');
    expect(inUse.message).toContain('"Long wait in sales"');
    await store.updateRule(rule.id, { webhooks: [] }, 'admin');
    await store.deleteWebhook(hook.id);
    expect(store.webhooks()).toEqual([]);
  });

  it('refuses bad input with the field named, and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [{ ...RULE, name: 'x'.repeat(1_000_000) }, 'name: A name is at most 80 characters'],
      [{ ...RULE, name: 'two\r\nlines' }, 'name: A name has no control characters'],
      [{ ...RULE, kind: 'sla', threshold: 150, clearAt: null }, 'threshold: An SLA is 0 to 100 %'],
      [{ ...RULE, clearAt: 200 }, 'clearAt: It clears at or below the threshold'],
      [{ ...RULE, reason: 'Lunch' }, 'reason: Only a pause rule takes a reason'],
      [{ ...RULE, __proto__: { admin: true } }, '(top level): Unknown field admin'],
      [{ ...RULE, color: 'red' }, '(top level): Unknown field color; the fields are name, kind'],
      [
        JSON.parse('{"__proto__": {"x": 1}, "name": "a", "kind": "waiting", "severity": "info", "threshold": 1}'),
        '(top level): Unknown field __proto__',
      ],
      ['a string', '(top level)'],
    ];
    for (const [input, message] of cases) expect((await refusal(store.createRule(input, 'admin'))).message).toContain(message);
    const url = await refusal(store.createWebhook({ name: 'Files', url: 'file:///etc/passwd' }, 'admin'));
    expect(url.message).toBe('url: Only http:// and https:// URLs');
    expect((await refusal(store.createWebhook({ name: 'No URL' }, 'admin'))).message).toBe('url: Give the URL to post to');
    expect((await refusal(store.createWebhook({ name: 'Short', url: SLACK, secret: 'short' }, 'admin'))).message).toBe(
      'secret: A secret is at least 8 characters',
    );
    expect(store.rules()).toEqual([]);
    expect(store.webhooks()).toEqual([]);
    // An id from the wire is only ever a Map key.
    expect((await refusal(store.updateRule('__proto__', { enabled: false }, 'admin'))).reason).toBe('absent');
    expect((await refusal(store.deleteWebhook('constructor'))).reason).toBe('absent');
  });

  it(`keeps at most ${MAX_RULES} rules and ${MAX_WEBHOOKS} webhooks, even when asked at once`, async () => {
    await Promise.all(
      Array.from({ length: MAX_WEBHOOKS }, (_, i) => store.createWebhook({ name: `h${i}`, url: `https://e.org/${i}` }, 'a')),
    );
    const hook = await refusal(store.createWebhook({ name: 'one more', url: 'https://e.org/x' }, 'a'));
    expect(hook).toMatchObject({ reason: 'full' });
    expect(hook.message).toContain(`${MAX_WEBHOOKS} webhooks`);
    const results = await Promise.allSettled(
      Array.from({ length: MAX_RULES + 3 }, (_, i) => store.createRule({ ...RULE, name: `r${i}` }, 'a')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_RULES);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
    expect((await AlertConfigStore.open(history)).rules()).toHaveLength(MAX_RULES);
  }, 60_000);

  it('leaves out a stored row that no longer validates, and says so', async () => {
    const rule = await store.createRule(RULE, 'admin');
    await history.db
      .withTables<{ alert_rules: { id: string; body: string } }>()
      .updateTable('alert_rules')
      .set({ body: '{"name":"broken"}' })
      .where('id', '=', rule.id)
      .execute();
    const bad: string[] = [];
    const reopened = await AlertConfigStore.open(history, { onBadRow: (table, id, message) => bad.push(`${table} ${id} ${message}`) });
    expect(reopened.rules()).toEqual([]);
    expect(bad).toEqual([`alert_rules ${rule.id} kind: kind is one of waiting, longest-wait, sla, no-free-agent, paused, long-call, link`]);
  });
});
