/**
 * What one drift check costs Asterisk: the bytes its lists put on the wire
 * and how long they take, on the demo PBX in load mode (2,000 live channels,
 * 1,000 bridged calls, plus its queue callers).
 *
 *   npx tsx bench/drift-cost.ts [--channels 2000] [--eps 0] [--runs 7]
 *
 * Bytes are counted on the session's own AMI socket while the check runs;
 * with --eps 0 there is no churn, so they are the lists' bytes alone (with
 * churn they include the events that arrived meanwhile). The time is from
 * the first list action to the last Complete. The last line is JSON.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { startDemoPbx } from '../server/demo-pbx/index';
import { createLogger } from '../server/log';
import { PbxSession } from '../server/pbx-session';

const { values } = parseArgs({
  options: { channels: { type: 'string', default: '2000' }, eps: { type: 'string', default: '0' }, runs: { type: 'string', default: '7' } },
});
const channels = Number(values.channels);
const eventsPerSec = Number(values.eps);
const runs = Number(values.runs);

const pbx = await startDemoPbx({ port: 0, load: { channels, eventsPerSec } });
let received = 0;
let sent = 0;
const user = pbx.users[0];
const session = new PbxSession({
  ami: { host: pbx.host, port: pbx.port, username: user.username, secret: user.secret, tls: false },
  log: createLogger('silent'),
  label: 'bench',
  demo: true,
  driftCheckMs: 0,
  client: {
    connect: ({ host, port }) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      const write = socket.write.bind(socket);
      socket.write = ((data: Uint8Array, ...rest: never[]) => {
        sent += data.length;
        return write(data, ...rest);
      }) as typeof socket.write;
      return socket;
    },
  },
});
session.start();
while (session.state.pbx.lastResync === 0) await new Promise((r) => setTimeout(r, 20));
// Let the first resync's echo settle.
await new Promise((r) => setTimeout(r, 500));

const samples: { bytes: number; sentBytes: number; ms: number; differences: number }[] = [];
for (let i = 0; i < runs; i++) {
  const r0 = received;
  const s0 = sent;
  const t0 = performance.now();
  await session.resync('manual');
  samples.push({
    bytes: received - r0,
    sentBytes: sent - s0,
    ms: performance.now() - t0,
    differences: session.health().drift.lastDifferences,
  });
  await new Promise((r) => setTimeout(r, 200));
}
const median = <T>(xs: T[], f: (x: T) => number) => xs.map(f).sort((a, b) => a - b)[xs.length >> 1];
const state = session.state;
const result = {
  channels: Object.keys(state.channels).length,
  bridges: Object.keys(state.bridges).length,
  queueCallers: Object.keys(state.callers).length,
  eventsPerSec,
  runs,
  bytesFromAsteriskMedian: median(samples, (s) => s.bytes),
  bytesToAsterisk: median(samples, (s) => s.sentBytes),
  msMedian: Math.round(median(samples, (s) => s.ms) * 10) / 10,
  msMax: Math.round(Math.max(...samples.map((s) => s.ms)) * 10) / 10,
  differences: samples.map((s) => s.differences),
};
console.log(
  `one drift check on ${result.channels} channels / ${result.bridges} bridges: ${(result.bytesFromAsteriskMedian / 1024).toFixed(0)} KB from Asterisk, ` +
    `${result.bytesToAsterisk} B to it, ${result.msMedian} ms median (max ${result.msMax} ms) over ${runs} runs; differences ${result.differences.join(',')}`,
);
console.log(JSON.stringify(result));
session.stop();
await pbx.close();
process.exit(0);
