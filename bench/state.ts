/**
 * State-engine benchmark: parse + reduce throughput on the busy-hour
 * transcript, and memory with 10,000 live channels.
 *
 *   npm run bench:state      (node --expose-gc --import tsx bench/state.ts)
 *
 * The last line is JSON: {"eventsPerSec":N,"rssMBAt10kChannels":N}.
 * BENCH_LIMITS=1 reduces with the server's default bounds (server/config.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { headerOf } from '../lib/ami/decode';
import type { AmiPacket } from '../lib/ami/packet';
import { AmiParser, parseAll } from '../lib/ami/parser';
import { emptyState, step, type PbxState, type StepOptions } from '../lib/pbx';
import { transcriptPath } from '../test/fixtures/transcripts';

const transcript = transcriptPath('04-busy-hour');
const CHUNK = 64 * 1024;
const MIN_MS = Number(process.env.BENCH_MS ?? 4000);
const ROUND_MS = 250;
const NOW = 1_795_664_600_000;

const M = 20_000;
const OPTIONS: StepOptions = process.env.BENCH_LIMITS
  ? {
      limits: { maxEntities: { channels: M, calls: M, bridges: M, callers: M, devices: M, queues: M, members: M }, maxFieldLength: 1024 },
      onDrop: () => {},
    }
  : {};

const gc = (globalThis as { gc?: () => void }).gc;

/** CPU time of this process in ms: on a shared machine, wall time mostly measures the neighbours. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Runs `body` (which returns how many events it handled) in rounds of about
 * ROUND_MS of CPU time until MIN_MS have passed. Rates are per CPU second, i.e.
 * on one core. The best round is the figure (the least disturbed by cache
 * and scheduler noise); the median is printed beside it.
 */
function timeLoop(body: () => number): { perSec: number; median: number; runs: number } {
  body(); // warm-up: let the JIT settle
  body();
  const rates: number[] = [];
  let runs = 0;
  const start = cpuMs();
  while (cpuMs() - start < MIN_MS || rates.length < 3) {
    const roundStart = cpuMs();
    let events = 0;
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      events += body();
      runs++;
      elapsed = cpuMs() - roundStart;
    }
    rates.push((events / elapsed) * 1000);
  }
  rates.sort((x, y) => x - y);
  return { perSec: Math.round(rates[rates.length - 1]), median: Math.round(rates[rates.length >> 1]), runs };
}

const fmt = (r: { perSec: number; median: number; runs: number }) =>
  `${r.perSec.toLocaleString('en')} events/s best round, ${r.median.toLocaleString('en')} median (${r.runs} runs)`;

/** Bytes in TCP-sized chunks through a fresh parser into a fresh state, as a PbxSession would. */
function parseAndReduce(bytes: Buffer, events: number): number {
  const state = emptyState();
  const parser = new AmiParser({ onPacket: (p) => void step(state, p, NOW, OPTIONS) }, { expectGreeting: true });
  for (let i = 0; i < bytes.length; i += CHUNK) parser.push(bytes.subarray(i, i + CHUNK));
  return events;
}

function reduceOnly(packets: AmiPacket[], events: number): number {
  const state = emptyState();
  for (const p of packets) step(state, p, NOW, OPTIONS);
  return events;
}

/** Framing, and decoding every packet's fields (the parser decodes lazily; `step` skips most VarSets undecoded). */
function parseOnly(bytes: Buffer): number {
  let n = 0;
  const parser = new AmiParser({ onPacket: (p) => (n += p.fields.Event === undefined ? 0 : 1) }, { expectGreeting: true });
  for (let i = 0; i < bytes.length; i += CHUNK) parser.push(bytes.subarray(i, i + CHUNK));
  return n;
}

/** 5,000 answered calls between two phones each: 10,000 channels in 5,000 bridges, built only through `step`. */
function buildLiveCalls(calls: number): PbxState {
  const state = emptyState();
  let ts = NOW / 1000;
  const at = () => (ts += 0.0001).toFixed(6);
  const snap = (uid: string, name: string, num: string, linked: string, st: number, exten: string) => ({
    Channel: name,
    ChannelState: String(st),
    ChannelStateDesc: st === 6 ? 'Up' : st === 5 ? 'Ringing' : 'Down',
    CallerIDNum: num,
    CallerIDName: `User ${num}`,
    ConnectedLineNum: '<unknown>',
    ConnectedLineName: '<unknown>',
    Language: 'en',
    AccountCode: '',
    Context: 'from-internal',
    Exten: exten,
    Priority: '1',
    Uniqueid: uid,
    Linkedid: linked,
  });
  const dest = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [`Dest${k}`, v]));
  const send = (event: string, ...parts: Record<string, string>[]) =>
    step(state, { fields: Object.assign({ Event: event, Privilege: 'call,all', Timestamp: at() }, ...parts) }, NOW, OPTIONS);
  for (let i = 0; i < calls; i++) {
    const a = `1795664600.${2 * i}`;
    const b = `1795664600.${2 * i + 1}`;
    const an = String(10000 + i);
    const bn = String(20000 + i);
    const aName = `PJSIP/${an}-${(2 * i).toString(16).padStart(8, '0')}`;
    const bName = `PJSIP/${bn}-${(2 * i + 1).toString(16).padStart(8, '0')}`;
    const bridge = `bridge-${i}`;
    send('Newchannel', snap(a, aName, an, a, 4, bn));
    send('Newexten', snap(a, aName, an, a, 4, bn), { Extension: bn, Application: 'Dial', AppData: `PJSIP/${bn},30` });
    send('Newchannel', snap(b, bName, bn, a, 0, 's'));
    send('DialBegin', snap(a, aName, an, a, 4, bn), dest(snap(b, bName, bn, a, 0, 's')), { DialString: bn });
    send('Newstate', snap(b, bName, bn, a, 5, 's'));
    send('Newstate', snap(b, bName, bn, a, 6, 's'));
    send('DialEnd', snap(a, aName, an, a, 6, bn), dest(snap(b, bName, bn, a, 6, 's')), { DialStatus: 'ANSWER' });
    const info = {
      BridgeUniqueid: bridge,
      BridgeType: 'basic',
      BridgeTechnology: 'simple_bridge',
      BridgeCreator: '<unknown>',
      BridgeName: '<unknown>',
      BridgeNumChannels: '0',
    };
    send('BridgeCreate', info);
    send('BridgeEnter', info, snap(b, bName, bn, a, 6, 's'));
    send('BridgeEnter', info, snap(a, aName, an, a, 6, bn));
  }
  return state;
}

function rssMB(): number {
  gc?.();
  gc?.();
  return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
}

/**
 * Memory is measured in a fresh child process: a heap that has churned
 * through the throughput runs would blur it, and a 10k-channel heap kept
 * around would slow the throughput runs' garbage collection.
 */
function measureMemory(): number {
  const baseline = rssMB();
  const live = buildLiveCalls(5_000);
  const rss = rssMB();
  const channels = Object.keys(live.channels).length;
  const heap = Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
  console.log(
    `live state: ${channels} channels, ${Object.keys(live.bridges).length} bridges, ${Object.keys(live.calls).length} calls; ` +
      `RSS ${rss} MB (${baseline} MB before building it), heap ${heap} MB; goal ≤ 300 MB${gc ? '' : ' (run with --expose-gc for a settled figure)'}`,
  );
  if (channels !== 10_000) throw new Error(`expected 10000 channels, built ${channels}`);
  return rss;
}

if (process.argv.includes('--memory')) {
  console.log(JSON.stringify({ rss: measureMemory() }));
  process.exit(0);
}

const bytes = readFileSync(transcript);
const packets = parseAll(bytes).packets;
// Decoded up front, so that "reduce only" leaves all parsing out (the reducer reads some events header by header).
for (const p of packets) void p.fields;
// Every run handles the same bytes: the event count is fixed (responses are not counted, but are handled).
const eventCount = packets.filter((p) => headerOf(p, 'Event') !== undefined).length;
console.log(`04-busy-hour: ${(bytes.length / 1e6).toFixed(2)} MB, ${packets.length} packets, ${eventCount} events`);

const parse = timeLoop(() => parseOnly(bytes));
console.log(`parse + decode:  ${fmt(parse)}`);
const reduce = timeLoop(() => reduceOnly(packets, eventCount));
console.log(`reduce only:     ${fmt(reduce)}, packets decoded beforehand`);
const both = timeLoop(() => parseAndReduce(bytes, eventCount));
console.log(`parse + reduce:  ${fmt(both)}; goal ≥ 300,000`);

const child = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--memory'], { encoding: 'utf8' });
process.stdout.write(child.slice(0, child.lastIndexOf('\n', child.length - 2) + 1));
const rss = (JSON.parse(child.trim().split('\n').pop()!) as { rss: number }).rss;

console.log(JSON.stringify({ eventsPerSec: both.perSec, rssMBAt10kChannels: rss }));
