/**
 * What the exclude Filter saves, in events and bytes Asterisk writes and
 * Callboard parses:
 *
 * 1. on 04-busy-hour.ami (a real Asterisk 22's busy hour), among the events
 *    inside our `Events:` mask, by matching the filter against each event's
 *    wire text as manager.c does;
 * 2. on the demo PBX's default traffic, live: two sessions with our mask side
 *    by side for the same window, one with the filter.
 *
 *   npx tsx test/server/measure-event-filter.ts [--seconds 20] [--speed 1]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAll } from '@/lib/ami/parser';
import { startDemoPbx } from '@/server/demo-pbx/index';
import { excludeFilter } from '@/server/event-filter';
import { EVENT_CLASSES } from '@/server/pbx-session';
import { TestAmi, transcriptsDir } from '../demo-pbx/ami-test-client';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, speed: { type: 'string', default: '1' } } });
const seconds = Number(values.seconds);
const speed = Number(values.speed);
const filterRe = new RegExp(excludeFilter().slice(1));
const mask = new Set<string>(EVENT_CLASSES);
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

function transcript(): void {
  const { packets } = parseAll(readFileSync(path.join(transcriptsDir, '04-busy-hour.ami')));
  let events = 0;
  let bytes = 0;
  let droppedEvents = 0;
  let droppedBytes = 0;
  const names: Record<string, number> = {};
  for (const p of packets) {
    const f = p.fields;
    // List items answer our own actions: manager.c writes them straight to the socket, past any filter.
    if (f.Event === undefined || (f.ActionID !== undefined && !f.Event.startsWith('Originate'))) continue;
    const classes = (f.Privilege ?? '').split(',').filter((c) => c && c !== 'all');
    if (!classes.every((c) => mask.has(c))) continue;
    let text = '';
    for (const [k, v] of Object.entries(f)) for (const one of p.repeated?.[k] ?? [v]) text += `${k}: ${one}\r\n`;
    for (const line of p.output ?? []) text += `${line}\r\n`;
    const size = Buffer.byteLength(text) + 2;
    events++;
    bytes += size;
    if (filterRe.test(text)) {
      droppedEvents++;
      droppedBytes += size;
      names[f.Event] = (names[f.Event] ?? 0) + 1;
    }
  }
  console.log(`04-busy-hour.ami, events inside Events: ${EVENT_CLASSES.join(',')}`);
  console.log(`  without filter: ${events} events, ${bytes} bytes`);
  console.log(
    `  filtered out:   ${droppedEvents} events (${pct(droppedEvents, events)}), ${droppedBytes} bytes (${pct(droppedBytes, bytes)})`,
  );
  console.log(`  by name: ${JSON.stringify(names)}`);
}

async function live(): Promise<void> {
  const pbx = await startDemoPbx({ port: 0, speed });
  const user = pbx.users[0];
  const sessions = await Promise.all(
    [0, 1].map(() => TestAmi.login(pbx.port, user.username, user.secret, { Events: EVENT_CLASSES.join(',') })),
  );
  const filtered = sessions[1]; // sessions[0] stays unfiltered: its bytes are the baseline
  const ack = await filtered.send({ Action: 'Filter', Operation: 'Add', Filter: excludeFilter() });
  if (ack.fields.Response !== 'Success') throw new Error(`Filter refused: ${ack.fields.Message}`);
  const start = sessions.map((s) => ({ bytes: s.raw.length, packets: s.packets.length }));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const figures = sessions.map((s, i) => {
    const evs = s.packets.slice(start[i].packets).filter((p) => p.fields.Event !== undefined).length;
    return { events: evs / seconds, bytes: (s.raw.length - start[i].bytes) / seconds };
  });
  for (const s of sessions) s.close();
  await pbx.close();
  const [a, b] = figures;
  console.log(`demo PBX default traffic (speed ${speed}), ${seconds} s, per second:`);
  console.log(`  without filter: ${a.events.toFixed(1)} events/s, ${Math.round(a.bytes)} bytes/s`);
  console.log(`  with filter:    ${b.events.toFixed(1)} events/s, ${Math.round(b.bytes)} bytes/s`);
  console.log(`  saved:          ${pct(a.events - b.events, a.events)} of events, ${pct(a.bytes - b.bytes, a.bytes)} of bytes`);
}

transcript();
await live();
