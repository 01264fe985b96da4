/**
 * A scripted Asterisk 22 with N PJSIP phones, for bench/phones-*.ts only.
 *
 * The demo PBX has a fixed set of 25 endpoints (server/demo-pbx/directory.ts)
 * and no option for more, so this is a separate loopback AMI server. It
 * answers the lists a Callboard session reads on connect in transcript 08's
 * dialect, built with the demo PBX's own packet helpers (dialect.ts): every
 * item has 08's event name, headers and header order, ActionID second. Each
 * phone is one endpoint with one AOR of its own name and one registered
 * contact, so there are N EndpointList, N ContactList, N DeviceStateChange
 * (`PJSIP/<name>`) and N ExtensionStatus (`<name>@internal`, hint
 * `PJSIP/<name>`) items. No events are sent: the bench measures the lists.
 *
 * Registrations are refreshed silently, as Asterisk does by default (no
 * ContactStatus on a refresh): every phone re-registers after a gap drawn
 * from [refreshMin, refreshMax] s of simulated time, and its ExpirationTime
 * is then its last REGISTER plus `expires`. The parent moves the simulated
 * clock with the `time` request; nothing here reads the real clock.
 *
 * Runs as a child process (bench/support/fork.ts). Requests: `setup`
 * (phones, seed, refresh gaps, start time), `time` (ms), `stats` (bytes
 * written per action since the last `stats`, then reset), `events` (perSec:
 * phone traffic to every logged-in session, for bench/ui.ts's phones view;
 * 0 stops it).
 *
 * The traffic is what a busy switchboard shows: a phone rings (its
 * DeviceStateChange to RINGING and its hint's ExtensionStatus 8), is
 * answered (INUSE, 1) and hangs up (NOT_INUSE, 0), and qualifies report a
 * round trip (ContactStatus Reachable), in 08's headers. It is paced on the
 * real clock (50 ms ticks) and stamped with it, unlike the lists above.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import {
  AMI_VERSION,
  ASTERISK_VERSION,
  GREETING,
  error,
  goodbye,
  itemIdFirst,
  listComplete,
  listStart,
  success,
  successWith,
} from '../../server/demo-pbx/dialect';
import { serve } from '../e2e/ipc';
import { Rng } from '../../server/demo-pbx/rng';
import { formatEvent, type Header } from '../../server/demo-pbx/dialect';

interface Phone {
  name: string;
  uri: string;
  viaAddr: string;
  hash: string;
  callId: string;
  userAgent: string;
  /** Simulated seconds of the last REGISTER, and of the next one. */
  lastSec: number;
  nextSec: number;
}

/** A few phones' User-Agent headers, as Asterisk copies them into the contact. */
const USER_AGENTS = [
  'Grandstream GXP2170 1.0.11.23',
  'Yealink SIP-T46U 108.86.0.20',
  'PolycomVVX-VVX_450-UA/6.4.6.2480',
  'Cisco/SPA504G-7.6.2c',
];
const HINT_CONTEXT = 'internal';

/** The same phones, phases and gaps for the same seed (the demo PBX's own mulberry32). */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

let phones: Phone[] = [];
let random = rng(1);
let gap: [number, number] = [150, 295];
let expires = 300;
let nowSec = 0;
let refreshes = 0;
const bytesByAction = new Map<string, number>();

function setup(msg: Record<string, unknown>): void {
  const n = Number(msg.phones);
  random = rng(Number(msg.seed ?? 1));
  gap = [Number(msg.refreshMin ?? 150), Number(msg.refreshMax ?? 295)];
  expires = Number(msg.expires ?? 300);
  nowSec = Math.floor(Number(msg.startMs) / 1000);
  refreshes = 0;
  phones = [];
  for (let i = 0; i < n; i++) {
    const name = String(10000 + i);
    const host = 0x14_01_01 + i; // 10.20.1.1 onwards
    const viaAddr = `10.${(host >> 16) & 255}.${(host >> 8) & 255}.${host & 255}`;
    const uri = `sip:${name}@${viaAddr}:5060`;
    const g = drawGap();
    // A random phase: the last REGISTER was somewhere within one gap before the start.
    const lastSec = nowSec - Math.floor(random() * g);
    phones.push({
      name,
      uri,
      viaAddr,
      // res_pjsip/location.c: the contact's id is `aor;@` and an MD5 of its URI and more, in hex.
      hash: createHash('md5').update(`${uri}#${i}`).digest('hex'),
      callId: `${hex8()}${hex8()}-${i}@${viaAddr}`,
      userAgent: USER_AGENTS[i % USER_AGENTS.length],
      lastSec,
      nextSec: lastSec + g,
    });
  }
}

const hex8 = (): string =>
  Math.floor(random() * 2 ** 32)
    .toString(16)
    .padStart(8, '0');

function drawGap(): number {
  return gap[0] + Math.floor(random() * (gap[1] - gap[0] + 1));
}

/** Moves the simulated clock on: every REGISTER due by then refreshes its contact, silently. */
function advance(ms: number): void {
  nowSec = Math.floor(ms / 1000);
  for (const p of phones) {
    while (p.nextSec <= nowSec) {
      p.lastSec = p.nextSec;
      p.nextSec = p.lastSec + drawGap();
      refreshes++;
    }
  }
}

const list = (id: string, message: string, complete: string, items: string[]): string =>
  listStart(id, message) + items.join('') + listComplete(complete, id, items.length);

/** 08's ContactList, header for header. */
const contactItem = (id: string, p: Phone): string =>
  itemIdFirst('ContactList', id, [
    ['ObjectType', 'contact'],
    ['ObjectName', `${p.name};@${p.hash}`],
    ['ViaAddr', p.viaAddr],
    ['QualifyTimeout', '3.000000'],
    ['Qualify2xxOnly', 'false'],
    ['CallId', p.callId],
    ['RegServer', ''],
    ['PruneOnBoot', 'no'],
    ['Path', ''],
    ['Endpoint', p.name],
    ['ViaPort', 5060],
    ['AuthenticateQualify', 'no'],
    ['Uri', p.uri],
    ['QualifyFrequency', 0],
    ['UserAgent', p.userAgent],
    ['ExpirationTime', p.lastSec + expires],
    ['OutboundProxy', ''],
    ['Status', 'NonQualified'],
    ['RoundtripUsec', 'N/A'],
  ]);

/** 08's EndpointList: one AOR of the endpoint's name, its one contact named `aor/uri,`. */
const endpointItem = (id: string, p: Phone): string =>
  itemIdFirst('EndpointList', id, [
    ['ObjectType', 'endpoint'],
    ['ObjectName', p.name],
    ['Transport', ''],
    ['Aor', p.name],
    ['Auths', ''],
    ['OutboundAuths', ''],
    ['Contacts', `${p.name}/${p.uri},`],
    ['DeviceState', 'Not in use'],
    ['ActiveChannels', 0],
  ]);

function answer(action: string, id: string): string {
  switch (action.toLowerCase()) {
    // Any key is accepted: the bench measures lists and events, not the login (the demo PBX checks it).
    case 'challenge':
      return successWith(id, [['Challenge', '840215073']]);
    case 'login':
      return success(id, 'Authentication accepted');
    case 'filter':
      return success(id, 'Success');
    case 'coresettings':
      return successWith(id, [
        ['AMIversion', AMI_VERSION],
        ['AsteriskVersion', ASTERISK_VERSION],
        ['SystemName', ''],
      ]);
    case 'ping':
      return successWith(id, [
        ['Ping', 'Pong'],
        ['Timestamp', `${nowSec}.000000`],
      ]);
    case 'bridgelist':
      return list(id, 'Bridge listing will follow', 'BridgeListComplete', []);
    case 'coreshowchannels':
      return list(id, 'Channels will follow', 'CoreShowChannelsComplete', []);
    case 'queuestatus':
      return list(id, 'Queue status will follow', 'QueueStatusComplete', []);
    case 'parkedcalls':
      return listStart(id, 'Parked calls will follow') + listComplete('ParkedCallsComplete', id, 0, [['Total', 0]]);
    case 'pjsipshowcontacts':
      // pjsip_options.c's message ends with a bare LF, as 08 recorded it.
      if (phones.length === 0) return error(id, 'No Contacts found\n');
      return list(
        id,
        'A listing of Contacts follows, presented as ContactList events',
        'ContactListComplete',
        phones.map((p) => contactItem(id, p)),
      );
    case 'pjsipshowendpoints':
      if (phones.length === 0) return error(id, 'No endpoints found\n');
      return list(
        id,
        'A listing of Endpoints follows, presented as EndpointList events',
        'EndpointListComplete',
        phones.map((p) => endpointItem(id, p)),
      );
    case 'devicestatelist':
      return list(
        id,
        'Device State Changes will follow',
        'DeviceStateListComplete',
        phones.map((p) =>
          itemIdFirst('DeviceStateChange', id, [
            ['Device', `PJSIP/${p.name}`],
            ['State', 'NOT_INUSE'],
          ]),
        ),
      );
    case 'extensionstatelist':
      return list(
        id,
        'Extension Statuses will follow',
        'ExtensionStateListComplete',
        phones.map((p) =>
          itemIdFirst('ExtensionStatus', id, [
            ['Exten', p.name],
            ['Context', HINT_CONTEXT],
            ['Hint', `PJSIP/${p.name}`],
            ['Status', 0],
            ['StatusText', 'Idle'],
          ]),
        ),
      );
    case 'logoff':
      return goodbye(id);
    default:
      return error(id, `Invalid/unknown command: ${action}`);
  }
}

/** Sessions that logged in: the ones events go to. */
const sessions = new Set<net.Socket>();
/** Phones with a call on them, by index: the state their next event moves them to. */
const onCall = new Map<number, 'RINGING' | 'INUSE'>();
let eventTimer: NodeJS.Timeout | null = null;
let eventsSent = 0;

const EXT_STATUS = { RINGING: [8, 'Ringing'], INUSE: [1, 'InUse'], NOT_INUSE: [0, 'Idle'] } as const;

function phoneEvents(i: number, now: number): string {
  const p = phones[i];
  const held = onCall.get(i);
  const next = held === undefined ? 'RINGING' : held === 'RINGING' ? 'INUSE' : 'NOT_INUSE';
  if (next === 'NOT_INUSE') onCall.delete(i);
  else onCall.set(i, next);
  const [status, text] = EXT_STATUS[next];
  const device: Header[] = [
    ['Device', `PJSIP/${p.name}`],
    ['State', next],
  ];
  const hint: Header[] = [
    ['Exten', p.name],
    ['Context', HINT_CONTEXT],
    ['Hint', `PJSIP/${p.name}`],
    ['Status', status],
    ['StatusText', text],
  ];
  return formatEvent('DeviceStateChange', device, now).text + formatEvent('ExtensionStatus', hint, now).text;
}

function qualifyEvent(i: number, now: number): string {
  const p = phones[i];
  const body: Header[] = [
    ['URI', p.uri],
    ['ContactStatus', 'Reachable'],
    ['AOR', p.name],
    ['EndpointName', p.name],
    ['RoundtripUsec', 800 + Math.floor(random() * 40_000)],
  ];
  return formatEvent('ContactStatus', body, now).text;
}

/** About `perSec` events a second: two for a phone's state step (device and hint), one for a qualify. */
function startEvents(perSec: number): void {
  if (eventTimer) clearInterval(eventTimer);
  eventTimer = null;
  if (perSec <= 0 || phones.length === 0) return;
  let credit = 0;
  let last = performance.now();
  eventTimer = setInterval(() => {
    const t = performance.now();
    credit += ((t - last) / 1000) * perSec;
    last = t;
    const now = Date.now();
    let text = '';
    while (credit >= 2) {
      if (random() < 0.6) {
        text += phoneEvents(Math.floor(random() * phones.length), now);
        credit -= 2;
        eventsSent += 2;
      } else {
        text += qualifyEvent(Math.floor(random() * phones.length), now);
        credit -= 1;
        eventsSent += 1;
      }
    }
    if (text) for (const s of sessions) s.write(text);
  }, 50);
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('close', () => sessions.delete(socket));
  socket.write(GREETING);
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let end: number;
    while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
      const headers = new Map<string, string>();
      for (const line of buffered.slice(0, end).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      buffered = buffered.slice(end + 4);
      const action = headers.get('action') ?? '';
      const text = answer(action, headers.get('actionid') ?? '');
      if (action.toLowerCase() === 'login') sessions.add(socket);
      const bytes = Buffer.byteLength(text);
      bytesByAction.set(action, (bytesByAction.get(action) ?? 0) + bytes);
      socket.write(text);
    }
  });
  socket.on('error', () => socket.destroy());
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serve({
  setup: (msg) => {
    setup(msg);
    return { phones: phones.length };
  },
  time: (msg) => {
    advance(Number(msg.ms));
    return { refreshes };
  },
  events: (msg) => {
    startEvents(Number(msg.perSec));
    return { eventsSent };
  },
  stats: () => {
    const out = Object.fromEntries(bytesByAction);
    bytesByAction.clear();
    return { bytes: out, refreshes };
  },
}).ready({ port: (server.address() as net.AddressInfo).port });
