/**
 * What the system panel's refresh costs: the bytes of one CoreStatus (the
 * action and its answer, on the demo PBX and as 08 recorded Asterisk's),
 * the bytes an hour at the default 60 s, the round trip on the demo PBX, the
 * status op a browser gets when a figure changed, and the event counter's
 * cost per event.
 *
 *   npx tsx bench/system-refresh.ts [--runs 200] [--every 60]
 *
 * The demo runs with no traffic and the session logs in with `Events: off`,
 * so every byte read is an answer. The last line is JSON.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAll } from '../lib/ami/parser';
import { emptyPbxSystem } from '../lib/pbx/model';
import { fromCoreSettings, fromCoreStatus } from '../lib/pbx/system';
import { status } from '../lib/protocol';
import { startDemoPbx } from '../server/demo-pbx/index';
import { EventRate } from '../server/pbx/event-rate';
import { transcriptPath } from '../test/fixtures/transcripts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, every: { type: 'string', default: '60' } } });
const runs = Number(values.runs);
const everySec = Number(values.every);

const pbx = await startDemoPbx({ port: 0, traffic: { enabled: false } });
const user = pbx.users[0];
const socket = net.connect({ host: pbx.host, port: pbx.port });
socket.setNoDelay(true);
let buffered = '';
let waiting: ((packet: string) => void) | null = null;
let received = 0;
socket.on('data', (chunk: Buffer) => {
  received += chunk.length;
  buffered += chunk.toString('latin1');
  let end: number;
  while (waiting && (end = buffered.indexOf('\r\n\r\n')) >= 0) {
    const packet = buffered.slice(0, end + 4);
    buffered = buffered.slice(end + 4);
    const resolve = waiting;
    waiting = null;
    resolve(packet);
  }
});
const next = () => new Promise<string>((resolve) => (waiting = resolve));
await new Promise<void>((resolve) => socket.once('data', () => resolve()));
buffered = buffered.slice(buffered.indexOf('\r\n') + 2);

async function send(text: string): Promise<string> {
  const answer = next();
  socket.write(text);
  return answer;
}

await send(`Action: Login\r\nActionID: l\r\nUsername: ${user.username}\r\nSecret: ${user.secret}\r\nEvents: off\r\n\r\n`);
// With Events: off neither FullyBooted nor SuccessfulAuth follows: every byte from here is an answer.

const rtts: number[] = [];
let actionBytes = 0;
let answerBytes = 0;
for (let i = 0; i < runs; i++) {
  const action = `Action: CoreStatus\r\nActionID: cb-${i}\r\n\r\n`;
  const before = received;
  const t0 = process.hrtime.bigint();
  await send(action);
  rtts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  actionBytes += Buffer.byteLength(action);
  answerBytes += received - before;
}
socket.destroy();
await pbx.close();

// Asterisk's own answer, as 08 recorded it.
const recorded = parseAll(readFileSync(transcriptPath('08-phones-and-system'))).packets;
const raw = readFileSync(transcriptPath('08-phones-and-system'), 'latin1');
const at = raw.indexOf('Response: Success\r\nActionID: ceo-11\r\n');
const recordedAnswerBytes = raw.indexOf('\r\n\r\n', at) + 4 - at;
const settingsFields = recorded.find((p) => p.fields.ActionID === 'ceo-10' && p.fields.Response === 'Success')!.fields;
const statusFields = recorded.find((p) => p.fields.ActionID === 'ceo-11' && p.fields.Response === 'Success')!.fields;
const system = fromCoreStatus(fromCoreSettings(emptyPbxSystem(), settingsFields), statusFields, 0, 1_796_114_265_000);
const opBytes = Buffer.byteLength(JSON.stringify(status({ system })));

const rate = new EventRate();
const events = 10_000_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < events; i++) rate.count(1_796_114_265_000 + i / 1000);
const nsPerEvent = Number(process.hrtime.bigint() - t0) / events;

rtts.sort((a, b) => a - b);
const q = (p: number) => rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))];
const perCheck = actionBytes / runs + answerBytes / runs;
const perHour = (3600 / everySec) * perCheck;
const result = {
  runs,
  actionBytes: actionBytes / runs,
  demoAnswerBytes: answerBytes / runs,
  asteriskAnswerBytes: recordedAnswerBytes,
  bytesPerHourAt: {
    everySec,
    demo: Math.round(perHour),
    asterisk: Math.round((3600 / everySec) * (actionBytes / runs + recordedAnswerBytes)),
  },
  rttMs: { p50: +q(0.5).toFixed(3), p90: +q(0.9).toFixed(3), max: +rtts[rtts.length - 1].toFixed(3) },
  statusOpBytes: opBytes,
  eventCounterNsPerEvent: +nsPerEvent.toFixed(2),
};
console.log(
  `CoreStatus: action ${result.actionBytes} B, answer ${result.demoAnswerBytes} B (demo), ${recordedAnswerBytes} B (Asterisk 22, 08)`,
);
console.log(`every ${everySec} s: ${result.bytesPerHourAt.demo} B/h (demo), ${result.bytesPerHourAt.asterisk} B/h (Asterisk)`);
console.log(`round trip on the demo PBX: p50 ${result.rttMs.p50} ms, p90 ${result.rttMs.p90} ms, max ${result.rttMs.max} ms`);
console.log(`status op to a browser when a figure changed: ${opBytes} B (JSON, before socket.io framing)`);
console.log(`event counter: ${result.eventCounterNsPerEvent} ns per event`);
console.log(JSON.stringify(result));
