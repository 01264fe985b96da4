/**
 * Long fuzz (not a test): mutated slices of the recorded AMI sessions through
 * the parser and the state engine (`step`), each followed by a resync against
 * one of Asterisk's own list sets. Checks that nothing throws, that after the
 * resync the state equals those lists, that a browser mirror built from the
 * returned ops alone equals the state, and that memory stays bounded. One
 * state lives through every stream, as a long-running server's does.
 *
 *   npm run fuzz                       (1,000,000 streams)
 *   npm run fuzz -- --streams 20000 --seed 7
 *
 * The last line printed is one JSON object with the figures.
 */
import { isDeepStrictEqual } from 'node:util';
import { AmiParser } from '@/lib/ami/parser';
import { emptyState, resync, step } from '@/lib/pbx';
import { applyOps } from '@/lib/protocol';
import { differences } from './fuzz/check';
import { loadCorpus, subset } from './fuzz/corpus';
import { chunk, mutate, Rng, type Mutation } from './fuzz/mutate';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? NaN);
  return Number.isFinite(v) ? v : fallback;
}

const streams = arg('streams', 1_000_000);
const seed = arg('seed', 1);
const MAX_SLICE = 24;
/**
 * Streams come in runs from one recording and resync against one of its list
 * sets, as a server's successive resyncs do: each resync then repairs what the
 * stream broke instead of swapping one whole PBX for another.
 */
const RUN = 64;
/** Most runs resync against a few conversations cut from a real list set (cheap); the rest against the whole set. */
const WHOLE_LISTS_SHARE = 0.1;
const MIRROR_CHECK_EVERY = 1000;
const mb = (b: number) => Math.round(b / 1024 / 1024);

const corpus = loadCorpus();
const withLists = corpus.filter((t) => t.lists.length > 0);
const rng = new Rng(seed);
const counts: Record<Mutation, number> = { flip: 0, truncate: 0, duplicate: 0, drop: 0, swap: 0, foreign: 0, moveLine: 0, none: 0 };
const failures: { stream: number; what: string }[] = [];
const fail = (stream: number, what: string) => {
  if (failures.length < 20) failures.push({ stream, what });
  else failures.length++;
};

const state = emptyState();
const mirror = emptyState();
let packets = 0;
let events = 0;
let bytes = 0;
let oversize = 0;
let peakRss = process.memoryUsage.rss();
let peakEntities = 0;
const started = performance.now();
let lastReport = started;

const foreign = () => {
  const t = rng.pick(corpus);
  return t.blocks[rng.int(0, t.blocks.length - 1)];
};

let t = withLists[0];
let lists = t.lists[0];
for (let n = 0; n < streams; n++) {
  if (n % RUN === 0) {
    t = rng.pick(withLists);
    lists = rng.pick(t.lists);
    if (rng.next() > WHOLE_LISTS_SHARE) {
      const keepShare = rng.next() * 0.15;
      lists = subset(lists, () => rng.next() < keepShare);
    }
  }
  const from = rng.int(0, t.blocks.length - 1);
  const len = Math.min(t.blocks.length - from, 1 + Math.floor(rng.next() ** 2 * MAX_SLICE));
  const stream = mutate(rng, t.blocks.slice(from, from + len), foreign, counts);
  const now = t.clock[from + len - 1] || t.clock[t.clock.length - 1];
  bytes += stream.length;
  try {
    const parser = new AmiParser(
      {
        onPacket: (p) => {
          packets++;
          if (p.fields.Event === undefined) return;
          events++;
          applyOps(mirror, step(state, p, now));
        },
        onOversize: () => oversize++,
      },
      { maxPacketBytes: 64 * 1024 },
    );
    chunk(rng, stream, (piece) => parser.push(piece));
    applyOps(mirror, resync(state, { channels: lists.channels, queues: lists.queues, bridges: lists.bridges }, now));
    const diff = differences(state, lists);
    if (diff) fail(n, `${t.name}@${from}+${len}: ${diff}`);
  } catch (err) {
    fail(n, `${t.name}@${from}+${len}: threw ${String((err as Error)?.stack ?? err).slice(0, 400)}`);
  }
  if (n % MIRROR_CHECK_EVERY === 0 || n === streams - 1) {
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(mirror)), JSON.parse(JSON.stringify(state))))
      fail(n, 'browser mirror differs from the state');
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const entities = Object.values(state).reduce(
      (sum, table) => sum + (table && typeof table === 'object' ? Object.keys(table).length : 0),
      0,
    );
    peakEntities = Math.max(peakEntities, entities);
    const t2 = performance.now();
    if (t2 - lastReport > 10_000) {
      lastReport = t2;
      process.stderr.write(
        `${n} streams, ${Math.round((n / (t2 - started)) * 1000)}/s, rss ${mb(peakRss)} MB, entities ${entities}, devices ${Object.keys(state.devices).length}, failures ${failures.length}\n`,
      );
    }
  }
}

const seconds = (performance.now() - started) / 1000;
const figures = {
  streams,
  seed,
  seconds: Math.round(seconds),
  streamsPerSec: Math.round(streams / seconds),
  megabytes: mb(bytes),
  packets,
  events,
  oversizePackets: oversize,
  peakRssMB: mb(peakRss),
  peakEntities,
  devicesAtEnd: Object.keys(state.devices).length,
  mutations: counts,
  failures: failures.length,
  firstFailures: failures.slice(0, 5),
};
process.stdout.write(
  `\nfuzz: ${streams} streams in ${figures.seconds} s (${figures.streamsPerSec}/s), ${figures.megabytes} MB, ${packets} packets, ${events} events; peak RSS ${figures.peakRssMB} MB; failures ${failures.length}\n`,
);
process.stdout.write(`${JSON.stringify(figures)}\n`);
if (failures.length) process.exitCode = 1;
