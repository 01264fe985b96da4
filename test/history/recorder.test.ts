/**
 * The recorder between a session and the store: every finished call of a
 * replayed transcript reaches the database, a clean close writes the calls
 * still waiting for their Cdrs, and a resync adopts a call already up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { headerOf } from '../../lib/ami/decode';
import { emptyState, resync, step, type PbxState, type ResyncLists } from '../../lib/pbx';
import { status, type Op } from '../../lib/protocol';
import { AuditLog } from '../../server/actions/audit';
import { HistoryRecorder, type RecordedPbx } from '../../server/history/recorder';
import { HistoryStore } from '../../server/history/store';
import type { EventTap } from '../../server/pbx-session';
import { createLogger } from '../../server/log';
import { segments } from '../pbx/transcripts';
import { waitFor } from '../support/wait-for';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A session as the recorder sees it: the state, the event tap, the op listeners. */
class FakeSession {
  readonly state: PbxState = emptyState();
  tap: EventTap | undefined;
  private readonly listeners = new Set<(ops: readonly Op[]) => void>();
  tapEvents(tap: EventTap | undefined): void {
    this.tap = tap;
  }
  onOps(listener: (ops: readonly Op[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(ops: readonly Op[]): void {
    for (const l of this.listeners) l(ops);
  }
}

async function setup(cdrWaitMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-recorder-'));
  const store = await HistoryStore.open({ dataDir: dir });
  const audit = new AuditLog(path.join(dir, 'audit'));
  const session = new FakeSession();
  let clock = 1_000;
  const pbx: RecordedPbx = { id: 'main', session };
  const recorder = new HistoryRecorder({
    store,
    pbxs: [pbx],
    log: createLogger('silent'),
    now: () => clock,
    retentionDays: 0,
    takeMs: 5,
    cdrWaitMs,
    audit,
  });
  recorder.start();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await recorder.close();
  };
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }), close);
  // The store is closed with the recorder: a second one reads what is on disk.
  const reopen = async () => {
    const again = await HistoryStore.open({ dataDir: dir });
    cleanups.push(() => again.close());
    return again;
  };
  return { session, recorder, audit, close, reopen, now: () => clock, advance: (ms: number) => (clock += ms) };
}

/** Feeds a transcript's events as the session does: step, then the tap, both with the server's clock (events carry their own Timestamp). */
function feed(session: FakeSession, name: string, now: () => number, from = 0, to = Infinity): void {
  for (const s of segments(name).slice(from, to)) {
    if (s.kind !== 'event') continue;
    step(session.state, s.packet, now());
    session.tap?.(s.packet, headerOf(s.packet, 'Event'), now());
  }
}

describe('history recorder', () => {
  it('writes every finished call once its Cdr wait is over, by the injected clock', async () => {
    const { session, recorder, close, reopen, now, advance } = await setup(2_000);
    feed(session, '09-supervisor-tools', now);
    expect(recorder.stats().live).toBe(5);
    await new Promise((resolve) => setImmediate(resolve));
    expect(recorder.writer.written).toBe(0); // still waiting for Cdrs
    advance(2_000);
    await waitFor(() => recorder.writer.written === 5, 'five records written');
    await close();
    const store = await reopen();
    const customer = await store.get('main', '1796114697.41');
    expect(customer).toMatchObject({ outcome: 'transferred', queues: ['billing'], agent: { name: 'Jon Park' } });
    expect(customer!.cdrs).toHaveLength(6);
  });

  it('a clean close writes the calls still waiting for their Cdrs: SIGTERM loses nothing that ended', async () => {
    const { session, recorder, close, reopen, now } = await setup(3_600_000);
    feed(session, '02-queue-answered-and-abandoned', now);
    expect(recorder.writer.written).toBe(0);
    await close();
    const store = await reopen();
    expect(await store.count()).toBe(2);
    expect((await store.query({ outcomes: ['abandoned'] })).records.map((r) => r.queues)).toEqual([['support']]);
  });

  it('keeps a supervisor’s accepted action on the call, linked to its audit entry; a refused one is not kept', async () => {
    const { session, audit, close, reopen, now } = await setup(0);
    const segs = segments('02-queue-answered-and-abandoned');
    // While the sales call talks: the support caller abandons meanwhile.
    const mid = segs.findIndex((s) => s.kind === 'event' && s.packet.fields.Event === 'QueueCallerAbandon');
    feed(session, '02-queue-answered-and-abandoned', now, 0, mid);
    const entry = (result: string) => ({
      time: '2026-11-26T03:42:55.000Z',
      who: 'lead',
      role: 'supervisor',
      address: '127.0.0.1',
      action: 'hangup',
      pbx: 'main',
      params: { type: 'hangup', pbx: 'main', call: '1795664569.98' },
      result,
      message: result === 'ok' ? 'Channel Hungup' : 'Your account may not hangup',
    });
    audit.write(entry('forbidden'));
    audit.write(entry('ok'));
    feed(session, '02-queue-answered-and-abandoned', now, mid);
    await close();
    const store = await reopen();
    const record = await store.get('main', '1795664569.98');
    expect(record!.actions).toEqual([
      { at: Date.parse('2026-11-26T03:42:55.000Z'), who: 'lead', action: 'hangup', audit: expect.any(Number) },
    ]);
    const linked = await audit.page({ before: record!.actions[0].audit, limit: 1 });
    expect(linked.entries).toEqual([entry('ok')]);
    expect((await store.get('main', '1795664570.104'))!.actions).toEqual([]);
  });

  it('after a complete resync, a call already up is followed from the lists, and is written partial', async () => {
    const { session, close, reopen, now, advance } = await setup(0);
    // 05 joins 20 s into traffic: its first lists show calls in progress.
    const segs = segments('05-join-midcall');
    const first = segs.findIndex((s) => s.kind === 'list');
    let end = first;
    const lists: ResyncLists = {};
    for (; end < segs.length && segs[end].kind !== 'event'; end++) {
      const s = segs[end];
      if (s.kind !== 'list') continue;
      if (s.action === 'CoreShowChannels') lists.channels = s.items;
      if (s.action === 'QueueStatus') lists.queues = s.items;
      if (s.action === 'BridgeList') lists.bridges = s.items;
    }
    resync(session.state, lists, now());
    const adopted = Object.keys(session.state.calls);
    expect(adopted.length).toBeGreaterThan(0);
    session.emit([status({ lastResync: now() })]);
    const rest = segs.slice(end);
    for (let i = 0; i < rest.length; i++) {
      const s = rest[i];
      if (s.kind !== 'event') break; // the final lists
      step(session.state, s.packet, now());
      session.tap?.(s.packet, headerOf(s.packet, 'Event'), now());
    }
    advance(1);
    await close();
    const store = await reopen();
    const partial = (await store.query({ limit: 1000 })).records.filter((r) => r.partial);
    expect(partial.length).toBeGreaterThan(0);
    for (const r of partial) expect(adopted).toContain(r.id);
  });
});
