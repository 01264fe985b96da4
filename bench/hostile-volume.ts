/**
 * Hostile volume against a real PbxSession over real TCP (loopback): what
 * memory and snapshot size a PBX (or an AMI user with originate rights) can
 * force on the server.
 *
 *   node --expose-gc --import tsx bench/hostile-volume.ts [newchannels|list|callername]
 *
 * - newchannels: 100,000 Newchannel events without a Hangup.
 * - list: a CoreShowChannels that answers 200,000 items and never completes.
 * - callername: one Newchannel whose CallerIDName is 900 KB.
 *
 * Each scenario runs in its own process (a fresh heap); the last line of each
 * is JSON. Caps come from the same env variables as the server
 * (CALLBOARD_MAX_CHANNELS, CALLBOARD_MAX_LIST_ITEMS, CALLBOARD_MAX_FIELD_LENGTH).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/log';
import { PbxSession, type PbxSessionOptions } from '../server/pbx-session';
import { startFakeAmi, type FakeConnection } from '../test/ami/fake-ami';

const gc = (globalThis as { gc?: () => void }).gc;
const rssMB = (): number => {
  gc?.();
  gc?.();
  return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
};

const packet = (lines: string[]): string => `${lines.join('\r\n')}\r\n\r\n`;
const newchannel = (uid: string, callerName = 'Caller'): string =>
  packet([
    'Event: Newchannel',
    'Privilege: call,all',
    'Timestamp: 1795664553.031378',
    `Channel: PJSIP/trunk-${uid}`,
    'ChannelState: 4',
    'ChannelStateDesc: Ring',
    'CallerIDNum: 4930123456',
    `CallerIDName: ${callerName}`,
    'ConnectedLineNum: <unknown>',
    'ConnectedLineName: <unknown>',
    'Language: en',
    'AccountCode: ',
    'Context: from-trunk',
    'Exten: 100',
    'Priority: 1',
    `Uniqueid: ${uid}`,
    `Linkedid: ${uid}`,
  ]);
const channelItem = (id: string, uid: string): string =>
  packet([
    'Event: CoreShowChannel',
    `ActionID: ${id}`,
    `Channel: PJSIP/trunk-${uid}`,
    `Uniqueid: ${uid}`,
    `Linkedid: ${uid}`,
    'Context: from-trunk',
    'Exten: 100',
    'Priority: 1',
    'ChannelState: 6',
    'ChannelStateDesc: Up',
    'Application: Wait',
    'ApplicationData: 600',
    'CallerIDNum: 4930123456',
    'CallerIDName: Caller',
    'ConnectedLineNum: <unknown>',
    'ConnectedLineName: <unknown>',
    'Language: en',
    'AccountCode: ',
    'BridgeId: ',
    'Duration: 00:00:05',
  ]);
const emptyList = (id: string, complete: string): string =>
  packet(['Response: Success', `ActionID: ${id}`, 'EventList: start', 'Message: will follow']) +
  packet([`Event: ${complete}`, `ActionID: ${id}`, 'EventList: Complete', 'ListItems: 0']);

async function waitFor(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Writes `count` packets made by `make` in chunks, respecting the socket's backpressure. */
async function stream(conn: FakeConnection, count: number, make: (i: number) => string): Promise<void> {
  const BATCH = 500;
  for (let i = 0; i < count; i += BATCH) {
    let text = '';
    for (let j = i; j < Math.min(count, i + BATCH); j++) text += make(j);
    if (!conn.socket.write(text)) await new Promise((r) => conn.socket.once('drain', r));
  }
}

async function scenario(name: string): Promise<Record<string, unknown>> {
  const config = loadConfig(process.env);
  let listStarted: ((conn: FakeConnection, id: string) => void) | undefined;
  const fake = await startFakeAmi({
    onAction: (a, conn) => {
      const id = a.fields.ActionID ?? '';
      switch (a.fields.Action) {
        case 'BridgeList':
          return emptyList(id, 'BridgeListComplete');
        case 'QueueStatus':
          return emptyList(id, 'QueueStatusComplete');
        case 'CoreShowChannels':
          if (listStarted) {
            listStarted(conn, id);
            return;
          }
          return emptyList(id, 'CoreShowChannelsComplete');
        default:
          return packet(['Response: Success', `ActionID: ${id}`, 'Message: ok']);
      }
    },
  });
  const options: PbxSessionOptions = {
    ami: { host: '127.0.0.1', port: fake.port, username: 'dashboard', secret: 's3cret', tls: false },
    log: createLogger('silent'),
    label: 'bench',
    demo: false,
    limits: config.limits,
    client: { deadAfterMs: 600_000, pingIntervalMs: 300_000 },
  };
  let listDone: Promise<void> | undefined;
  if (name === 'list') {
    listStarted = (conn, id) => {
      conn.write(packet(['Response: Success', `ActionID: ${id}`, 'EventList: start', 'Message: Channels will follow']));
      listDone = stream(conn, 200_000, (i) => channelItem(id, `9${i}.1`));
    };
  }
  const session = new PbxSession(options);
  const baseline = rssMB();
  const started = Date.now();
  session.start();
  const conn = await fake.connection(0);
  let result: Record<string, unknown>;
  if (name === 'newchannels') {
    await waitFor(() => session.state.pbx.lastResync > 0 || session.state.pbx.warnings.length > 0, 'first resync');
    await stream(conn, 100_000, (i) => newchannel(`1795664553.${i}`));
    // The last one is either on the board or dropped by a cap: wait until the session has read them all.
    await waitFor(() => conn.socket.writableLength === 0, 'all written');
    await new Promise((r) => setTimeout(r, 500));
    const snapshotBytes = Buffer.byteLength(JSON.stringify(session.state));
    result = { channels: Object.keys(session.state.channels).length, calls: Object.keys(session.state.calls).length, snapshotBytes };
  } else if (name === 'list') {
    await waitFor(() => listDone !== undefined, 'list started');
    await listDone;
    await waitFor(() => conn.socket.writableLength === 0, 'all written');
    await new Promise((r) => setTimeout(r, 500));
    result = { itemsSent: 200_000, channels: Object.keys(session.state.channels).length };
  } else {
    await waitFor(() => session.state.pbx.lastResync > 0, 'first resync');
    conn.write(newchannel('1795664553.1', 'x'.repeat(900 * 1024)));
    await waitFor(() => session.state.channels['1795664553.1'] !== undefined, 'the channel');
    const c = session.state.channels['1795664553.1'];
    result = { callerNameLength: c.callerName.length, snapshotBytes: Buffer.byteLength(JSON.stringify(session.state)) };
  }
  const rss = rssMB();
  result = {
    scenario: name,
    ...result,
    rssBeforeMB: baseline,
    rssAfterMB: rss,
    rssGrowthMB: Math.round((rss - baseline) * 10) / 10,
    seconds: (Date.now() - started) / 1000,
    warnings: session.state.pbx.warnings,
    health: session.health(),
  };
  session.stop();
  await fake.close();
  return result;
}

const which = process.argv[2];
if (which) {
  console.log(JSON.stringify(await scenario(which)));
  process.exit(0);
}
for (const name of ['newchannels', 'list', 'callername']) {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], {
    encoding: 'utf8',
    env: process.env,
  });
  console.log(out.trim().split('\n').pop());
}
