/**
 * The system panel's figures against a scripted Asterisk that answers as 08
 * does: CoreSettings and CoreStatus on connect and after a Reload, CoreStatus
 * alone on a check, a status op only for a change, a refusal remembered until
 * the next connect; and SystemInfo alone for what a socket cannot stage (an
 * answer that arrives for an older link, the event rate with injected time).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AmiActionError } from '@/lib/ami/client';
import { emptyState } from '@/lib/pbx/model';
import { applyOps, type Op } from '@/lib/protocol';
import { createLogger } from '@/server/log';
import { PbxSession } from '@/server/pbx-session';
import { SystemInfo } from '@/server/pbx/system-info';
import { startScriptedAmi, type ScriptedAmi } from '../support/scripted-ami';
import { waitFor } from './mirror';

const packet = (lines: string[]): string => `${lines.join('\r\n')}\r\n\r\n`;
const list = (id: string, message: string, complete: string) =>
  packet(['Response: Success', `ActionID: ${id}`, 'EventList: start', `Message: ${message}`]) +
  packet([`Event: ${complete}`, `ActionID: ${id}`, 'EventList: Complete', 'ListItems: 0']);
const error = (id: string, message: string) => packet(['Response: Error', `ActionID: ${id}`, `Message: ${message}`]);

/** 08: the login's FullyBooted arrives at SuccessfulAuth's 1796114264.940; Asterisk started at 08:36:02 UTC. */
const NOW = 1_796_114_264_940;
const STARTED_MS = 1_796_114_162_000;

const coreSettings = (id: string) =>
  packet([
    'Response: Success',
    `ActionID: ${id}`,
    'AMIversion: 11.0.0',
    'AsteriskVersion: 22.8.2',
    'SystemName: ',
    'CoreMaxCalls: 5000',
    'CoreMaxLoadAvg: 0.000000',
    'CoreRunUser: ',
    'CoreRunGroup: ',
    'CoreMaxFilehandles: 0',
    'CoreRealTimeEnabled: No',
    'CoreCDRenabled: Yes',
    'CoreHTTPenabled: No',
    'SoundsSearchCustomDir: No',
  ]);
const coreStatus = (id: string, processed = 4, reload = '08:36:02') =>
  packet([
    'Response: Success',
    `ActionID: ${id}`,
    'CoreStartupDate: 2026-12-01',
    'CoreStartupTime: 08:36:02',
    'CoreReloadDate: 2026-12-01',
    `CoreReloadTime: ${reload}`,
    'CoreCurrentCalls: 0',
    `CoreProcessedCalls: ${processed}`,
  ]);

type Script = Partial<Record<string, (id: string) => string>>;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function scriptedAsterisk(overrides: Script = {}): Promise<ScriptedAmi> {
  const script: Script = {
    login: (id) =>
      packet(['Response: Success', `ActionID: ${id}`, 'Message: Authentication accepted']) +
      packet(['Event: FullyBooted', 'Privilege: system,all', 'Uptime: 102', 'LastReload: 102', 'Status: Fully Booted']),
    bridgelist: (id) => list(id, 'Bridge listing will follow', 'BridgeListComplete'),
    coreshowchannels: (id) => list(id, 'Channels will follow', 'CoreShowChannelsComplete'),
    queuestatus: (id) => list(id, 'Queue status will follow', 'QueueStatusComplete'),
    parkedcalls: (id) => list(id, 'Parked calls will follow', 'ParkedCallsComplete'),
    coresettings: coreSettings,
    corestatus: (id) => coreStatus(id),
    ping: (id) => packet(['Response: Success', `ActionID: ${id}`, 'Ping: Pong', 'Timestamp: 1796114300.000000']),
    ...overrides,
  };
  const ami = await startScriptedAmi((action, id) => {
    const reply = Object.hasOwn(script, action.toLowerCase()) ? script[action.toLowerCase()] : undefined;
    return reply ? reply(id) : error(id, `Invalid/unknown command: ${action}`);
  });
  cleanups.push(() => ami.close());
  return ami;
}

function sessionOn(port: number, systemCheckMs = 0): { session: PbxSession; systemOps: Op[] } {
  const session = new PbxSession({
    ami: { host: '127.0.0.1', port, username: 'cb', secret: 'pw', tls: false },
    log: createLogger('silent'),
    label: 'test',
    demo: false,
    now: () => NOW,
    client: { authType: 'plain', backoff: { initialMs: 10, maxMs: 20, factor: 1, jitter: 0 } },
    // The tests run the checks themselves, but one.
    systemCheckMs,
    contactCheckMs: 0,
  });
  const systemOps: Op[] = [];
  session.onOps((ops) => systemOps.push(...ops.filter((op) => op[0] === 's' && 'system' in op[1])));
  session.start();
  cleanups.push(() => session.stop());
  return { session, systemOps };
}

const count = (actions: string[], name: string) => actions.filter((a) => a === name).length;

describe('the system info of a PBX', () => {
  it('reads CoreSettings and CoreStatus on connect, after the lists began, with the zone FullyBooted implies', async () => {
    const ami = await scriptedAsterisk();
    const { session } = sessionOn(ami.port);
    await waitFor(() => session.state.pbx.system.checkedAt > 0, 'CoreStatus');
    expect(ami.actions.indexOf('CoreSettings')).toBeGreaterThan(ami.actions.indexOf('BridgeList'));
    expect(session.state.pbx.version).toBe('22.8.2');
    expect(session.state.pbx.system).toEqual({
      amiVersion: '11.0.0',
      asteriskVersion: '22.8.2',
      systemName: '',
      maxCalls: 5000,
      maxLoadAvg: 0,
      startedAt: STARTED_MS,
      reloadedAt: STARTED_MS,
      bootedAt: NOW - 102_000,
      utcOffsetMin: 0,
      utcOffsetKnown: true,
      currentCalls: 0,
      processedCalls: 4,
      checkedAt: NOW,
      checkMs: 0,
      refused: '',
    });
  });

  it('a check asks CoreStatus alone, and sends a status op only when a figure changed', async () => {
    let processed = 4;
    const ami = await scriptedAsterisk({ corestatus: (id) => coreStatus(id, processed) });
    const { session, systemOps } = sessionOn(ami.port);
    await waitFor(() => session.state.pbx.system.checkedAt > 0, 'CoreStatus');
    const before = systemOps.length;
    await session.systemInfo.check();
    expect(count(ami.actions, 'CoreStatus')).toBe(2);
    expect(count(ami.actions, 'CoreSettings')).toBe(1);
    expect(systemOps.length).toBe(before);
    processed = 5;
    await session.systemInfo.check();
    expect(systemOps.length).toBe(before + 1);
    expect(session.state.pbx.system.processedCalls).toBe(5);
  });

  it("the session's timer asks CoreStatus every systemCheckMs", async () => {
    const ami = await scriptedAsterisk();
    const { session } = sessionOn(ami.port, 20);
    await waitFor(() => count(ami.actions, 'CoreStatus') >= 3, 'three checks');
    expect(count(ami.actions, 'CoreSettings')).toBe(1);
    expect(session.state.pbx.system.checkMs).toBe(20);
  });

  it('a Reload event reads both again, and moves the reload time at once', async () => {
    let reload = '08:36:02';
    const ami = await scriptedAsterisk({ corestatus: (id) => coreStatus(id, 4, reload) });
    const { session } = sessionOn(ami.port);
    await waitFor(() => session.state.pbx.system.checkedAt > 0, 'CoreStatus');
    reload = '08:40:00';
    ami.sockets[0].write(packet(['Event: Reload', 'Privilege: system,all', 'Timestamp: 1796114400.000000', 'Module: All', 'Status: 0']));
    await waitFor(() => count(ami.actions, 'CoreSettings') === 2 && count(ami.actions, 'CoreStatus') === 2, 'both again');
    await waitFor(() => session.state.pbx.system.reloadedAt === 1_796_114_400_000, 'the new reload time');
    expect(session.state.pbx.system.startedAt).toBe(STARTED_MS);
  });

  it('a refusal is shown and remembered: no check asks again until the next connect', async () => {
    const ami = await scriptedAsterisk({
      coresettings: (id) => error(id, 'Permission denied'),
      corestatus: (id) => error(id, 'Permission denied'),
    });
    const { session } = sessionOn(ami.port);
    await waitFor(() => session.state.pbx.system.refused !== '', 'the refusal');
    expect(session.state.pbx.system.refused).toBe('Permission denied');
    expect(session.state.pbx.warnings).toEqual([]);
    await session.systemInfo.check();
    await session.systemInfo.check();
    expect(count(ami.actions, 'CoreStatus')).toBe(1);
    ami.sockets[0].destroy();
    await waitFor(() => count(ami.actions, 'CoreStatus') === 2, 'asked again on the next connect');
  });
});

describe('SystemInfo', () => {
  function unit(send: () => Promise<never>) {
    const state = emptyState();
    const applied: Op[] = [];
    let generation = 1;
    let now = NOW;
    const info = new SystemInfo({
      client: { send },
      state,
      apply: (ops) => {
        applyOps(state, ops);
        applied.push(...ops);
      },
      log: createLogger('silent'),
      generation: () => generation,
      connected: () => true,
      now: () => now,
      timeoutMs: 1000,
      checkMs: 0,
    });
    return { info, state, applied, nextLink: () => generation++, at: (ms: number) => (now = ms) };
  }

  it('drops an answer that arrives once another link is up', async () => {
    let refuse: ((err: Error) => void) | undefined;
    const { info, applied, nextLink } = unit(() => new Promise((_, reject) => (refuse = reject)));
    const pending = info.check();
    await waitFor(() => refuse, 'CoreStatus sent');
    nextLink();
    refuse!(new AmiActionError('CoreStatus', 'Permission denied', { fields: {} }));
    await pending;
    expect(applied).toEqual([]);
  });

  it('pushes the event rate over the last 10 s and the total, only when they changed', () => {
    const { info, state, applied, at } = unit(() => new Promise(() => {}));
    for (let i = 0; i < 50; i++) info.heard(NOW + i * 100);
    at(NOW + 5_000);
    info.pushLinkEvents();
    expect(state.pbx.linkEvents).toEqual({ perSec: 5, total: 50 });
    info.pushLinkEvents();
    expect(applied).toHaveLength(1);
    // Ten seconds after the last of them.
    at(NOW + 15_000);
    info.pushLinkEvents();
    expect(state.pbx.linkEvents).toEqual({ perSec: 0, total: 50 });
    at(NOW + 60_000);
    info.pushLinkEvents();
    expect(applied).toHaveLength(2);
  });
});
