/**
 * The PBX's own view, read over a separate raw AMI session, and the same
 * projection of the server's (or a browser mirror's) state, so a fault test
 * can assert "what we show equals what Asterisk says" at a quiet point.
 */
import { expect } from 'vitest';
import type { PbxState } from '@/lib/pbx/model';
import { callerId, memberId, parkedId, table } from '@/lib/pbx/model';
import { TestAmi } from '../demo-pbx/ami-test-client';
import { waitFor, type Stack } from '../server/harness';
import { withTimeout } from '../support/wait-for';

/** A client holding its own copy of the state (MirrorClient, PollingMirror). */
export interface Mirror {
  stateAt(seq: number): Promise<PbxState | null>;
}

export interface View {
  channels: Record<string, unknown>;
  bridges: Record<string, unknown>;
  queues: Record<string, unknown>;
  members: Record<string, unknown>;
  callers: Record<string, unknown>;
}

type Fields = Record<string, string>;

/** Tables keyed by ids from the wire: no prototype, so `constructor` or `__proto__` are ids like any other. */
const emptyView = (): View => ({ channels: table(), bridges: table(), queues: table(), members: table(), callers: table() });

/** What the lists say, in the shape `viewOf` gives for a state. */
export function viewOfLists(channels: Fields[], queues: Fields[], bridges: Fields[]): View {
  const view = emptyView();
  for (const f of channels) {
    view.channels[f.Uniqueid] = {
      name: f.Channel,
      state: Number(f.ChannelState),
      callerNum: f.CallerIDNum,
      connectedNum: f.ConnectedLineNum,
      context: f.Context,
      exten: f.Exten,
      bridgeId: f.BridgeId,
      linkedId: f.Linkedid,
    };
  }
  for (const f of bridges) {
    const members = channels.filter((c) => c.BridgeId === f.BridgeUniqueid).map((c) => c.Uniqueid);
    view.bridges[f.BridgeUniqueid] = { type: f.BridgeType, channels: members.sort() };
  }
  for (const f of queues) {
    if (f.Event === 'QueueParams') {
      view.queues[f.Queue] = {
        calls: Number(f.Calls),
        completed: Number(f.Completed),
        abandoned: Number(f.Abandoned),
        strategy: f.Strategy,
      };
    } else if (f.Event === 'QueueMember') {
      view.members[memberId(f.Queue, f.Location)] = {
        status: Number(f.Status),
        paused: f.Paused === '1',
        inCall: f.InCall === '1',
        callsTaken: Number(f.CallsTaken),
      };
    } else if (f.Event === 'QueueEntry') {
      view.callers[callerId(f.Queue, f.Uniqueid)] = { position: Number(f.Position), channel: f.Channel };
    }
  }
  return view;
}

export function viewOf(state: PbxState): View {
  const view = emptyView();
  for (const c of Object.values(state.channels)) {
    view.channels[c.id] = {
      name: c.name,
      state: c.state,
      callerNum: c.callerNum,
      connectedNum: c.connectedNum,
      context: c.context,
      exten: c.exten,
      bridgeId: c.bridgeId,
      linkedId: c.linkedId,
    };
  }
  for (const b of Object.values(state.bridges)) view.bridges[b.id] = { type: b.type, channels: [...b.channels].sort() };
  for (const q of Object.values(state.queues))
    view.queues[q.id] = { calls: q.calls, completed: q.completed, abandoned: q.abandoned, strategy: q.strategy };
  for (const m of Object.values(state.members))
    view.members[m.id] = { status: m.status, paused: m.paused, inCall: m.inCall, callsTaken: m.callsTaken };
  for (const c of Object.values(state.callers)) view.callers[c.id] = { position: c.position, channel: c.channel };
  return view;
}

/** Every call row accounts for live channels only, each channel exactly once. */
/** Parked calls as the ParkedCalls list gives them, and the same of a state: `lot|space` to the parkee. */
export function parkedOfList(items: Fields[]): Record<string, unknown> {
  const view = table<unknown>();
  for (const f of items) view[parkedId(f.Parkinglot, f.ParkingSpace)] = { channel: f.ParkeeUniqueid };
  return view;
}

export function parkedOf(state: PbxState): Record<string, unknown> {
  const view = table<unknown>();
  for (const p of Object.values(state.parked)) view[p.id] = { channel: p.channel };
  return view;
}

export function callsCoverChannels(state: PbxState): boolean {
  const seen: string[] = [];
  for (const call of Object.values(state.calls)) {
    for (const uid of call.channels) {
      if (state.channels[uid]?.linkedId !== call.id) return false;
      seen.push(uid);
    }
  }
  return JSON.stringify(seen.sort()) === JSON.stringify(Object.keys(state.channels).sort());
}

export interface QuietPoint {
  /** What the PBX's own lists said. */
  pbx: View;
  /** The server's state at that moment (a deep copy). */
  server: PbxState;
  /** Each mirror client's state at the same seq as `server`. */
  clients: PbxState[];
  /** How many channels the PBX had, so a test can see it compared something. */
  channels: number;
}

/**
 * Pauses new traffic, then waits for a moment when no event happens between
 * taking the PBX's lists and a Ping answered on the server's own AMI link:
 * everything the PBX wrote before that Pong has been applied, and nothing
 * happened after the lists, so the server's state must equal them.
 */
export async function quietPoint(stack: Stack, mirrors: Mirror[] = [], timeoutMs = 15_000): Promise<QuietPoint> {
  stack.pbx.setTraffic({ enabled: false });
  await waitFor(() => stack.app.session.connected && stack.app.session.state.pbx.link === 'connected', 'link up', timeoutMs);
  const user = stack.pbx.users[0];
  const ami = await TestAmi.login(stack.pbx.port, user.username, user.secret, { Events: 'off' });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const before = stack.pbx.snapshot().events;
      const [c, q, b] = await Promise.all([
        ami.list({ Action: 'CoreShowChannels' }),
        ami.list({ Action: 'QueueStatus' }),
        ami.list({ Action: 'BridgeList' }),
      ]);
      await stack.app.session.command({ Action: 'Ping' }, 5_000);
      if (stack.pbx.snapshot().events !== before) continue;
      stack.app.fanout.flush();
      const seq = stack.app.fanout.currentSeq;
      const server = structuredClone(stack.app.session.state);
      const clients = await Promise.all(mirrors.map((m) => withTimeout(m.stateAt(seq), 5_000, `client at seq ${seq}`)));
      // A client that jumped past this seq with a snapshot cannot be compared here: try again.
      if (clients.some((s) => s === null)) continue;
      const fields = (r: typeof c) => r.items.map((i) => i.fields);
      return { pbx: viewOfLists(fields(c), fields(q), fields(b)), server, clients: clients as PbxState[], channels: c.items.length };
    }
    throw new Error('the PBX never went quiet');
  } finally {
    ami.close();
  }
}

/** The server equals the PBX's lists, and every mirror client equals the server. */
export function expectTruth(q: QuietPoint): void {
  expect(viewOf(q.server)).toEqual(q.pbx);
  expect(callsCoverChannels(q.server)).toBe(true);
  for (const client of q.clients) expect(client).toEqual(q.server);
}

/**
 * A drift check now: the lists run on the server's own link and what they
 * change is counted. After a fault the board must already equal them.
 */
export async function expectNoDrift(stack: Stack): Promise<void> {
  const session = stack.app.session;
  const before = session.health().drift.checks;
  // A resync already running (not a drift check) is joined: ask again until ours has run.
  for (let i = 0; i < 5 && session.health().drift.checks === before; i++) await session.resync('manual');
  const drift = session.health().drift;
  expect(drift.checks).toBe(before + 1);
  expect(drift.lastDifferences, JSON.stringify(drift.lastByKind)).toBe(0);
  expect(session.state.pbx.driftDifferences).toBe(0);
}
