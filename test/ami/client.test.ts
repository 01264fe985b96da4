import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AmiActionError,
  AmiClient,
  AmiConnectionError,
  AmiTimeoutError,
  type AmiClientOptions,
  type AmiEvent,
  type AmiStatus,
} from '../../lib/ami/client';
import { AmiSerializeError } from '../../lib/ami/errors';
import { startFakeAmi, withActionId, type FakeAmiOptions } from './fake-ami';
import { answersFor, eventBlocks } from './transcripts';

const DASH = '03-dashboard-actions.ami';
const DENIED = '06-permission-denied.ami';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(fake: FakeAmiOptions = {}, client: Partial<AmiClientOptions> = {}) {
  const server = await startFakeAmi(fake);
  cleanups.push(() => server.close());
  const ami = new AmiClient({
    host: '127.0.0.1',
    port: server.port,
    username: 'dashboard',
    secret: 's3cret',
    backoff: { initialMs: 20, maxMs: 200 },
    ...client,
  });
  const statuses: AmiStatus[] = [];
  const events: AmiEvent[] = [];
  ami.onStatus((s) => statuses.push(s));
  ami.onEvent((e) => events.push(e));
  cleanups.push(() => ami.stop());
  return { server, ami, statuses, events };
}

/** Resolves when the client reaches `state` (counting only statuses after the call). */
function nextStatus(ami: AmiClient, state: AmiStatus['state']): Promise<AmiStatus> {
  return new Promise((resolve) => {
    const off = ami.onStatus((s) => {
      if (s.state === state) {
        off();
        resolve(s);
      }
    });
  });
}

function waitEvent(ami: AmiClient, predicate: (e: AmiEvent) => boolean): Promise<AmiEvent> {
  return new Promise((resolve) => {
    const off = ami.onEvent((e) => {
      if (predicate(e)) {
        off();
        resolve(e);
      }
    });
  });
}

/** Replays the transcript's answers to `recorded` for every action named `name`. */
function replay(file: string, table: Record<string, string>): FakeAmiOptions['onAction'] {
  return (action) => {
    const recorded = table[action.fields.Action];
    if (recorded === undefined) return;
    return withActionId(answersFor(file, recorded), recorded, action.fields.ActionID);
  };
}

describe('AmiClient', () => {
  it('logs in with the MD5 challenge, reports the version and delivers FullyBooted', async () => {
    const { server, ami, events } = await setup();
    const connected = nextStatus(ami, 'connected');
    const booted = waitEvent(ami, (e) => e.fields.Event === 'FullyBooted');
    ami.start();
    const status = await connected;
    expect(status).toEqual({ state: 'connected', greeting: 'Asterisk Call Manager/11.0.0', version: '11.0.0' });
    expect(ami.amiVersion).toBe('11.0.0');
    const conn = await server.connection(0);
    const login = await server.action(conn, 'Login');
    expect(login.fields.AuthType).toBe('MD5');
    expect(login.fields.Secret).toBeUndefined();
    expect(login.fields.Events).toBe('on');
    await booted;
    expect(events.map((e) => e.fields.Event)).toEqual(['FullyBooted']);
  });

  it('logs in with plain text and sends the events mask', async () => {
    const { server, ami } = await setup({}, { authType: 'plain', events: ['call', 'agent', 'system'] });
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    const conn = await server.connection(0);
    const login = await server.action(conn, 'Login');
    expect(login.fields).toMatchObject({ Username: 'dashboard', Secret: 's3cret', Events: 'call,agent,system' });
    expect(conn.actions.some((a) => a.fields.Action === 'Challenge')).toBe(false);
  });

  it('collects list answers from the transcript into one result', async () => {
    const { ami, events } = await setup({
      onAction: replay(DASH, { CoreShowChannels: 'ceo-10', QueueStatus: 'ceo-3', Ping: 'ceo-5', Command: 'ceo-8' }),
      answerPing: false,
    });
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    const channels = await ami.send({ Action: 'CoreShowChannels' });
    expect(channels.response.fields).toMatchObject({ Response: 'Success', EventList: 'start', Message: 'Channels will follow' });
    expect(channels.events.map((e) => e.fields.Channel)).toEqual(['Local/23001@callers-00000035;1', 'Local/23001@callers-00000035;2']);
    expect(channels.complete?.fields).toMatchObject({ Event: 'CoreShowChannelsComplete', EventList: 'Complete', ListItems: '2' });

    const queues = await ami.send({ Action: 'QueueStatus' });
    expect(queues.events.length).toBe(answersFor(DASH, 'ceo-3').length - 2);
    expect(queues.events.every((e) => e.fields.Event === 'QueueParams' || e.fields.Event === 'QueueMember')).toBe(true);

    const ping = await ami.send({ Action: 'Ping' });
    expect(ping.response.fields.Ping).toBe('Pong');
    expect(ping.events).toEqual([]);

    const command = await ami.send({ Action: 'Command', Command: 'core show channels count' });
    expect(command.response.repeated?.Output).toEqual([
      '0 active channels',
      '0 of 5000 max active calls ( 0.00% of capacity)',
      '81 calls processed',
    ]);
    // List items are answers, not events.
    expect(events.map((e) => e.fields.Event)).toEqual(['FullyBooted']);
  });

  it("rejects with Asterisk's own error texts", async () => {
    const { ami } = await setup({
      onAction: (action) => {
        const f = action.fields;
        if (f.Action === 'Hangup') return withActionId(answersFor(DASH, 'ceo-12'), 'ceo-12', f.ActionID);
        if (f.Action === 'Originate') return withActionId(answersFor(DASH, 'ceo-13'), 'ceo-13', f.ActionID);
        if (f.Action === 'QueuePause') return withActionId(answersFor(DASH, 'ceo-17'), 'ceo-17', f.ActionID);
        if (f.Action === 'CoreShowChannels') return withActionId(answersFor(DENIED, 'ceo-2'), 'ceo-2', f.ActionID);
      },
    });
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => {
          throw new Error('resolved');
        },
        (e: unknown) => e as AmiActionError,
      );

    const hangup = await failure(ami.send({ Action: 'Hangup', Channel: 'Local/99999@callers-deadbeef;1' }));
    expect(hangup).toBeInstanceOf(AmiActionError);
    expect(hangup.amiMessage).toBe('No such channel');
    expect(hangup.action).toBe('Hangup');

    const originate = await failure(
      ami.send({ Action: 'Originate', Channel: 'Local/1@x', Context: 'nowhere', Exten: '1', Priority: 1, Async: true }),
    );
    expect(originate.amiMessage).toBe('Extension does not exist.');

    const pause = await failure(ami.send({ Action: 'QueuePause', Interface: 'Local/9@agents/n', Paused: true }));
    expect(pause.amiMessage).toBe('Interface not found');

    const denied = await failure(ami.send({ Action: 'CoreShowChannels' }));
    expect(denied.amiMessage).toBe('Permission denied');
    expect(denied.packet.fields.Response).toBe('Error');
  });

  it('resolves an async Originate on its own OriginateResponse, ignoring a foreign one with the same ActionID', async () => {
    const foreign = eventBlocks(DENIED, 'OriginateResponse')[0];
    const mine = eventBlocks(DASH, 'OriginateResponse');
    const { ami, events } = await setup({
      onAction: (action, conn) => {
        const f = action.fields;
        if (f.Action !== 'Originate') return;
        const queued = withActionId(answersFor(DASH, 'ceo-9'), 'ceo-9', f.ActionID);
        if (f.Channel === 'Bogus/tech') {
          return [queued, withActionId([mine[1]], 'ceo-14', f.ActionID)];
        }
        // Another session's OriginateResponse carrying our ActionID arrives first…
        conn.write(withActionId([foreign], 'ceo-2', f.ActionID));
        // …then ours is queued and answered.
        return [queued, withActionId([mine[0]], 'ceo-9', f.ActionID)];
      },
    });
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;

    const result = await ami.send({
      Action: 'Originate',
      Channel: 'Local/23001@callers',
      Context: 'internal',
      Exten: '710',
      Priority: 1,
      Async: true,
    });
    expect(result.response.fields.Message).toBe('Originate successfully queued');
    expect(result.originateResponse?.fields).toMatchObject({
      Event: 'OriginateResponse',
      Response: 'Success',
      Channel: 'Local/23001@callers-00000035;1',
    });
    // Both OriginateResponse events are still call events for subscribers.
    expect(events.filter((e) => e.fields.Event === 'OriginateResponse').map((e) => e.fields.Channel)).toEqual([
      'Local/26002@callers-000001ae;1',
      'Local/23001@callers-00000035;1',
    ]);

    const failed = await ami
      .send({ Action: 'Originate', Channel: 'Bogus/tech', Context: 'internal', Exten: '101', Priority: 1, Async: true })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(AmiActionError);
    expect((failed as AmiActionError).packet.fields).toMatchObject({ Event: 'OriginateResponse', Response: 'Failure', Reason: '0' });
  });

  it('refuses CR/LF/NUL before anything is written', async () => {
    const { server, ami } = await setup();
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    const conn = await server.connection(0);
    const before = conn.actions.length;
    const bad = await ami.send({ Action: 'Hangup', Channel: 'SIP/1\r\nAction: Originate' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AmiSerializeError);
    expect((bad as AmiSerializeError).key).toBe('Channel');
    await ami.send({ Action: 'Ping' });
    expect(conn.actions.slice(before).map((a) => a.fields.Action)).toEqual(['Ping']);
  });

  it('times out a silent action, and fails without sending when not connected', async () => {
    const { ami } = await setup({ onAction: () => undefined });
    await expect(ami.send({ Action: 'Ping' })).rejects.toBeInstanceOf(AmiConnectionError);
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    const err = await ami.send({ Action: 'CoreStatus' }, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmiTimeoutError);
  });

  it('reports a refused login and retries only after the long auth backoff', async () => {
    const { server, ami, statuses } = await setup({ refuseLogin: true }, { authFailedRetryMs: 60_000 });
    const failed = nextStatus(ami, 'auth-failed');
    ami.start();
    const status = await failed;
    expect(status).toMatchObject({ state: 'auth-failed', message: 'Authentication failed' });
    expect((status as { retryInMs: number }).retryInMs).toBeGreaterThanOrEqual(60_000);
    expect(server.connections.length).toBe(1);
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'auth-failed']);
  });

  it('fails pending actions when the link drops, then reconnects and logs in again', async () => {
    const { server, ami, events } = await setup({ onAction: () => undefined });
    let connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    const pending = ami.send({ Action: 'CoreShowChannels' });
    const first = await server.connection(0);
    await server.action(first, 'CoreShowChannels');
    connected = nextStatus(ami, 'connected');
    const disconnected = nextStatus(ami, 'disconnected');
    const rebooted = waitEvent(ami, (e) => e.fields.Event === 'FullyBooted');
    first.socket.destroy();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmiConnectionError);
    expect((await disconnected) as { reason: string }).toMatchObject({ reason: 'connection closed by peer', cause: { kind: 'closed' } });
    await connected;
    const second = await server.connection(1);
    // Never silently re-sent on the new connection.
    expect(second.actions.map((a) => a.fields.Action)).toEqual(['Challenge', 'Login']);
    // FullyBooted of the new session reaches subscribers too.
    await rebooted;
    expect(events.filter((e) => e.fields.Event === 'FullyBooted').length).toBe(2);
  });

  it('notices a silent peer and reconnects', async () => {
    const { server, ami } = await setup({ answerPing: false }, { pingIntervalMs: 20, deadAfterMs: 60 });
    let connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    connected = nextStatus(ami, 'connected');
    const down = (await nextStatus(ami, 'disconnected')) as { reason: string };
    expect(down.reason).toMatch(/^no data from Asterisk for \d+ ms$/);
    const first = server.connections[0];
    expect(first.actions.some((a) => a.fields.Action === 'Ping')).toBe(true);
    await connected;
    expect(server.connections.length).toBe(2);
  });
});

describe('AmiClient, more', () => {
  it('speaks TLS', async () => {
    const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
    const cert = fs.readFileSync(path.join(fixtures, 'localhost-cert.pem'));
    const key = fs.readFileSync(path.join(fixtures, 'localhost-key.pem'));
    const { ami, server } = await setup({ tls: { key, cert } }, { tls: { ca: cert } });
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    expect((await ami.send({ Action: 'Ping' })).response.fields.Ping).toBe('Pong');
    expect(server.connections[0].socket).toBeInstanceOf(tls.TLSSocket);
  });

  it('refuses impossible options at construction', () => {
    const base = { host: '127.0.0.1', username: 'u', secret: 's' };
    expect(() => new AmiClient({ ...base, secret: 'x\r\nAction: Originate' })).toThrow(AmiSerializeError);
    expect(() => new AmiClient({ ...base, username: 'a\nb' })).toThrow(AmiSerializeError);
    expect(() => new AmiClient({ ...base, events: ['call', 'bad class'] })).toThrow();
  });

  it('times out a peer that never greets, and backs off between attempts', async () => {
    const { server, ami, statuses } = await setup(
      { silent: true },
      { handshakeTimeoutMs: 40, backoff: { initialMs: 10, maxMs: 1000, factor: 2, jitter: 0 } },
    );
    ami.start();
    await server.connection(2);
    const downs = statuses.filter((s) => s.state === 'disconnected') as { reason: string; retryInMs: number }[];
    expect(downs[0].reason).toBe('no AMI greeting');
    expect(downs.slice(0, 2).map((d) => d.retryInMs)).toEqual([10, 20]);
  });

  it('drops a stream that does not start with a greeting', async () => {
    const { server, ami } = await setup({ silent: true }, { handshakeTimeoutMs: 5000 });
    const down = nextStatus(ami, 'disconnected');
    ami.start();
    (await server.connection(0)).write('Event: FullyBooted\r\nStatus: Fully Booted\r\n\r\n');
    expect(await down).toMatchObject({ reason: 'stream did not start with an AMI greeting' });
  });

  it('reports a refused TCP connection and retries', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const ami = new AmiClient({
      host: '127.0.0.1',
      port,
      username: 'u',
      secret: 's',
      backoff: { initialMs: 5, maxMs: 50, factor: 2, jitter: 0 },
    });
    cleanups.push(() => ami.stop());
    const seen: AmiStatus[] = [];
    const third = new Promise<void>((resolve) =>
      ami.onStatus((s) => {
        seen.push(s);
        if (s.state === 'connecting' && s.attempt === 3) resolve();
      }),
    );
    ami.start();
    await third;
    const downs = seen.filter((s) => s.state === 'disconnected') as { reason: string; retryInMs: number }[];
    expect(downs[0].reason).toMatch(/ECONNREFUSED/);
    expect(downs.map((d) => d.retryInMs)).toEqual([5, 10]);
  });

  it('keeps going when a listener throws, and says so', async () => {
    const warnings: string[] = [];
    const kinds: string[] = [];
    const { ami, events } = await setup({}, { onWarning: (w, kind) => (warnings.push(w), kinds.push(kind)) });
    ami.onEvent(() => {
      throw new Error('listener bug');
    });
    const booted = waitEvent(ami, (e) => e.fields.Event === 'FullyBooted');
    ami.start();
    await booted;
    expect(events).toHaveLength(1);
    expect(warnings.some((w) => w.includes('listener bug'))).toBe(true);
    expect(kinds).toContain('event-listener-threw');
    expect(ami.status.state).toBe('connected');
  });

  it('stops for good: pending actions fail, no reconnect', async () => {
    const { server, ami } = await setup({ onAction: () => undefined });
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    const pending = ami.send({ Action: 'CoreStatus' });
    ami.stop();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmiConnectionError);
    expect((err as AmiConnectionError).reason).toMatch(/client stopped/);
    expect(ami.status).toEqual({ state: 'disconnected', reason: 'client stopped', cause: { kind: 'stopped' } });
    // A ping round trip on a fresh client proves the server is still there, and nobody reconnected meanwhile.
    const other = new AmiClient({ host: '127.0.0.1', port: server.port, username: 'dashboard', secret: 's3cret' });
    cleanups.push(() => other.stop());
    const up = nextStatus(other, 'connected');
    other.start();
    await up;
    expect(server.connections).toHaveLength(2);
  });
});

/** Virtual time for the client; the sockets stay real. */
function manualTime() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        pending.set(++seq, { at: now + ms, fn });
        return seq;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    pending: () => pending.size,
    advance(to: number) {
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of pending) if (entry[1].at <= to && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        pending.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = to;
    },
  };
}

describe('AmiClient keepalive timing', () => {
  it('pings after 5 s of quiet and drops the link exactly 10 s after the last byte', async () => {
    const time = manualTime();
    const { server, ami } = await setup({ answerPing: false }, { now: time.now, timers: time.timers });
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    const conn = await server.connection(0);

    time.advance(4999);
    time.advance(5000);
    await server.action(conn, 'Ping');
    // Bytes at 7 s move the deadline to 17 s.
    time.advance(7000);
    const event = waitEvent(ami, (e) => e.fields.Event === 'PeerStatus');
    conn.write('Event: PeerStatus\r\nPeer: PJSIP/101\r\n\r\n');
    await event;
    time.advance(16_999);
    expect(ami.status.state).toBe('connected');
    // One Ping in flight at a time: the first is still unanswered.
    expect(conn.actions.filter((a) => a.fields.Action === 'Ping').length).toBe(1);
    time.advance(17_000);
    expect(ami.status).toMatchObject({
      state: 'disconnected',
      reason: 'no data from Asterisk for 10000 ms',
      cause: { kind: 'silent', silentForMs: 10_000 },
    });
  });
});

describe('AmiClient re-entrancy', () => {
  it('stays stopped when a status listener stops it on a drop', async () => {
    const time = manualTime();
    const { server, ami, statuses } = await setup({}, { now: time.now, timers: time.timers });
    const connected = nextStatus(ami, 'connected');
    ami.start();
    await connected;
    ami.onStatus((s) => {
      if (s.state === 'disconnected' && s.reason !== 'client stopped') ami.stop();
    });
    const down = nextStatus(ami, 'disconnected');
    server.connections[0].socket.destroy();
    await down;
    // Nothing left scheduled: no reconnect, keepalive or action timer.
    expect(time.pending()).toBe(0);
    time.advance(3_600_000);
    expect(statuses.filter((s) => s.state === 'connecting')).toHaveLength(1);
    expect(ami.status).toEqual({ state: 'disconnected', reason: 'client stopped', cause: { kind: 'stopped' } });
  });

  it('retries a refused login only after the auth backoff, never in a hot loop', async () => {
    const time = manualTime();
    const { server, ami } = await setup(
      { refuseLogin: true },
      { now: time.now, timers: time.timers, authFailedRetryMs: 60_000, random: () => 0.5 },
    );
    const failed = nextStatus(ami, 'auth-failed');
    ami.start();
    const status = (await failed) as { retryInMs: number };
    expect(status.retryInMs).toBe(60_000);
    time.advance(59_999);
    // A retry would have said `connecting` synchronously.
    expect(ami.status.state).toBe('auth-failed');
    const again = nextStatus(ami, 'auth-failed');
    time.advance(60_000);
    await again;
    expect(server.connections).toHaveLength(2);
  });
});
