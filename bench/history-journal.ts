/**
 * What the call journal adds to the event path, in ns per event, on
 * transcript 10 (60 s of SIP traffic with Cdr events): the reducer alone,
 * then the reducer and the journal, on the same events, alternately; the
 * best of each counts. The difference is the journal's cost; it is also
 * clocked around each journal call (the clock's own cost taken off), which a
 * noisy machine disturbs less.
 *
 *   npx tsx bench/history-journal.ts [--reps 20 --runs 5]
 */
import { headerOf } from '../lib/ami/decode';
import type { AmiPacket } from '../lib/ami/packet';
import { CallJournal } from '../lib/history/journal';
import { emptyState, step } from '../lib/pbx';
import { clockAfter, segments } from '../test/pbx/transcripts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? NaN : Number(process.argv[i + 1]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const REPS = arg('reps', 20);
const RUNS = arg('runs', 5);

const segs = segments('10-sip-busy-hour');
const events: { packet: AmiPacket; now: number; name: string | undefined }[] = [];
segs.forEach((s, i) => {
  // Read the name once here, as the session has it already when it taps.
  if (s.kind === 'event') events.push({ packet: s.packet, now: clockAfter(segs, i, 1), name: headerOf(s.packet, 'Event') });
});

function once(withJournal: boolean): number {
  let ns = 0;
  for (let r = 0; r < REPS; r++) {
    const state = emptyState();
    const journal = new CallJournal({ pbx: 'main' });
    const t = process.hrtime.bigint();
    for (const e of events) {
      step(state, e.packet, e.now);
      if (withJournal) journal.event(e.packet, e.name, e.now, state);
    }
    if (withJournal) journal.take(Infinity);
    ns += Number(process.hrtime.bigint() - t);
  }
  return ns / (REPS * events.length);
}

/** The journal's own time, clocked around each call, less what the clock itself costs. */
function inPlace(): number {
  let ns = 0;
  let clock = 0;
  for (let r = 0; r < REPS; r++) {
    const state = emptyState();
    const journal = new CallJournal({ pbx: 'main' });
    for (const e of events) {
      step(state, e.packet, e.now);
      const t0 = process.hrtime.bigint();
      journal.event(e.packet, e.name, e.now, state);
      const t1 = process.hrtime.bigint();
      const t2 = process.hrtime.bigint();
      ns += Number(t1 - t0);
      clock += Number(t2 - t1);
    }
    journal.take(Infinity);
  }
  return Math.max(0, ns - clock) / (REPS * events.length);
}

once(true);
once(false); // warm both paths
inPlace();
let reducer = Infinity;
let both = Infinity;
let clocked = Infinity;
for (let run = 0; run < RUNS; run++) {
  reducer = Math.min(reducer, once(false));
  both = Math.min(both, once(true));
  clocked = Math.min(clocked, inPlace());
}
const journal = both - reducer;
console.log(`${events.length} events of 10-sip-busy-hour, ${REPS} replays a run, best of ${RUNS}`);
console.log(`reducer alone        ${reducer.toFixed(0)} ns/event`);
console.log(`reducer + journal    ${both.toFixed(0)} ns/event`);
console.log(`journal, difference  ${journal.toFixed(0)} ns/event (${((journal / reducer) * 100).toFixed(1)}% of the reducer)`);
console.log(`journal, clocked     ${clocked.toFixed(0)} ns/event (around each call, less the clock's own cost)`);
console.log(
  JSON.stringify({
    events: events.length,
    reducerNs: Math.round(reducer),
    journalDifferenceNs: Math.round(journal),
    journalClockedNs: Math.round(clocked),
  }),
);
