/**
 * The AMI exclude Filter: it names only events nothing reads, it drops them
 * at the demo PBX (which filters as manager.c does), and the board's state
 * stays equal to the PBX's own lists with it, and without it when the manager
 * user may not add filters.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/server/config';
import { startDemoPbx } from '@/server/demo-pbx/index';
import { excludeFilter, filterAction, IGNORED_EVENTS } from '@/server/event-filter';
import { EVENT_CLASSES } from '@/server/pbx-session';
import { TestAmi, repoRoot } from '../demo-pbx/ami-test-client';
import { expectTruth, quietPoint } from '../faults/truth';
import { startStack, waitFor, type Stack } from './harness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MASK = EVENT_CLASSES.join(',');
const SECRET = 'pw-Secret-1';

/** Event names in the reducer's handler table (`['Name', handler]` entries), as bench/e2e/event-mask.ts reads them. */
function handledByReducer(): Set<string> {
  const source = readFileSync(path.join(repoRoot, 'lib/pbx/reducer.ts'), 'utf8');
  return new Set([...source.matchAll(/\[\s*'([A-Z][A-Za-z]+)'\s*,/g)].map((m) => m[1]));
}

/** The filter as the demo PBX compiles it (JS RegExp; the pattern uses nothing POSIX ERE reads differently). */
function excludes(text: string): boolean {
  return new RegExp(excludeFilter().slice(1)).test(text);
}

describe('the exclude filter', () => {
  it('names no event the board reads', () => {
    const handled = handledByReducer();
    expect(handled.size).toBeGreaterThan(20);
    expect(handled.has('Newchannel')).toBe(true);
    for (const name of IGNORED_EVENTS) expect(handled.has(name), name).toBe(false);
    // Read outside the reducer: the session resyncs on Reload, the action runner awaits OriginateResponse.
    for (const name of ['Reload', 'OriginateResponse', 'FullyBooted']) expect(IGNORED_EVENTS).not.toContain(name);
  });

  it('is one exclude filter matching whole event names at the start of the event', () => {
    const value = excludeFilter();
    expect(value.startsWith('!')).toBe(true);
    expect(filterAction()).toEqual({ Action: 'Filter', Operation: 'Add', Filter: value });
    expect(excludes('Event: VarSet\r\nPrivilege: dialplan,all\r\n')).toBe(true);
    expect(excludes('Event: HangupRequest\r\nPrivilege: call,all\r\n')).toBe(true);
    expect(excludes('Event: Hangup\r\nPrivilege: call,all\r\n')).toBe(false);
    expect(excludes('Event: Newchannel\r\nPrivilege: call,all\r\n')).toBe(false);
    expect(excludes('Event: VarSetExtra\r\nPrivilege: dialplan,all\r\n')).toBe(false);
    expect(excludes('Event: Newexten\r\nPrivilege: dialplan,all\r\nAppData: Event: VarSet\r\n')).toBe(false);
  });

  it('refuses names that are not plain event names', () => {
    for (const bad of ['Var Set', 'VarSet\r\nAction: Command', 'a|b', '.*', ''])
      expect(() => excludeFilter([bad])).toThrow(/not an AMI event name/);
    expect(() => excludeFilter([])).toThrow(/at least one/);
  });

  it('is on unless CALLBOARD_AMI_FILTER says off', () => {
    expect(loadConfig({}).amiFilter).toBe(true);
    expect(loadConfig({ CALLBOARD_AMI_FILTER: 'off' }).amiFilter).toBe(false);
    expect(loadConfig({ CALLBOARD_AMI_FILTER: '0' }).amiFilter).toBe(false);
    expect(() => loadConfig({ CALLBOARD_AMI_FILTER: 'sometimes' })).toThrow(ConfigError);
  });
});

describe('against the demo PBX', () => {
  it('drops the ignored events and nothing else', async () => {
    const pbx = await startDemoPbx({ port: 0, seed: 5, speed: 10, traffic: { callsPerMinute: 300 } });
    cleanups.push(() => pbx.close());
    const user = pbx.users[0];
    const [plain, filtered] = await Promise.all([
      TestAmi.login(pbx.port, user.username, user.secret, { Events: MASK }),
      TestAmi.login(pbx.port, user.username, user.secret, { Events: MASK }),
    ]);
    cleanups.push(
      () => plain.close(),
      () => filtered.close(),
    );
    const answer = await filtered.send({ Action: 'Filter', Operation: 'Add', Filter: excludeFilter() });
    expect(answer.fields).toMatchObject({ Response: 'Success', Message: 'Success' });
    const from = { plain: plain.packets.length, filtered: filtered.packets.length };
    const ignored = new Set<string>(IGNORED_EVENTS);
    const events = (c: TestAmi, start: number) => c.packets.slice(start).filter((p) => p.fields.Event !== undefined);
    const key = (p: { fields: Record<string, string> }) => JSON.stringify(p.fields);
    await plain.until(
      () => events(plain, from.plain).filter((p) => ignored.has(p.fields.Event)).length >= 50,
      'ignored events on the unfiltered session',
    );
    const seenPlain = events(plain, from.plain);
    const kept = seenPlain.filter((p) => !ignored.has(p.fields.Event));
    // Cut the filtered session's stream at the same event, so both cover the same stretch.
    const last = key(kept.at(-1)!);
    await filtered.until(() => events(filtered, from.filtered).some((p) => key(p) === last), 'the same last event');
    const all = events(filtered, from.filtered);
    const seenFiltered = all.slice(0, all.findIndex((p) => key(p) === last) + 1);

    expect(seenPlain.length - kept.length).toBeGreaterThanOrEqual(50);
    expect(kept.length).toBeGreaterThan(50);
    expect(seenFiltered.filter((p) => ignored.has(p.fields.Event))).toEqual([]);
    // Everything else arrives alike (the filtered session's window may start a little earlier).
    expect(seenFiltered.slice(-kept.length).map(key)).toEqual(kept.map(key));
  });

  it('with write=system: the filter goes out before the lists, and the board equals the PBX after busy traffic', async () => {
    const stack = await startStack({ pbx: { users: [{ username: 'cb', secret: SECRET, read: ['all'], write: ['all'] }] } });
    cleanups.push(() => stack.close());
    const session = stack.app.session;
    await waitFor(() => session.eventFilter === 'installed', 'filter installed');
    expect(stack.pbx.received()).toContain(`Action: Filter\r\n`);
    // Written before the first list, so the resync's busy moment is already filtered.
    expect(stack.pbx.received().indexOf('Action: Filter')).toBeLessThan(stack.pbx.received().indexOf('Action: BridgeList'));
    await busyFor(stack, 300);
    const q = await quietPoint(stack);
    expect(q.channels).toBeGreaterThan(0);
    expectTruth(q);
  });

  it('without write=system: the refusal changes nothing but the bytes, and raises no warning', async () => {
    const stack = await startStack({ pbx: { users: [{ username: 'cb', secret: SECRET, read: ['all'], write: ['call', 'reporting'] }] } });
    cleanups.push(() => stack.close());
    const session = stack.app.session;
    await waitFor(() => session.eventFilter === 'refused', 'filter refused');
    expect(session.state.pbx.warnings.join('\n')).not.toMatch(/filter/i);
    await busyFor(stack, 300);
    const q = await quietPoint(stack);
    expect(q.channels).toBeGreaterThan(0);
    expectTruth(q);
  });

  it('CALLBOARD_AMI_FILTER=off sends no Filter', async () => {
    const stack = await startStack({ env: { CALLBOARD_AMI_FILTER: 'off' } });
    cleanups.push(() => stack.close());
    expect(stack.app.session.eventFilter).toBe('off');
    expect(stack.pbx.received()).not.toContain('Action: Filter');
  });
});

/** Lets the PBX's traffic change the board `ops` times before a test compares. */
async function busyFor(stack: Stack, ops: number): Promise<void> {
  let seen = 0;
  const off = stack.app.session.onOps((o) => (seen += o.length));
  try {
    await waitFor(() => seen >= ops, `${ops} ops of traffic`);
  } finally {
    off();
  }
}
