/**
 * The resync of a PBX with many phones: N PJSIP endpoints, each with one
 * registered contact, its DeviceStateList entry and its hint, read by the real
 * PbxSession (and so the real ResyncRunner) over loopback TCP.
 *
 *   npm run bench:phones [-- --sizes 500,2000,5000 --runs 5]
 *
 * Two kinds of process: the scripted Asterisk (bench/support/phones-ami.ts,
 * 08's dialect, one for the whole run) and, for every run, a fresh Callboard
 * process (bench/support/phones-session.ts) that connects, resyncs and
 * reports, so each run's heap and RSS deltas are its own. One unmeasured warm-up
 * run first (tsx's compile cache). Bytes per list are what the scripted
 * Asterisk wrote in answer to that action. The last line is JSON.
 */
import { parseArgs } from 'node:util';
import { BenchChild } from './support/fork';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '500,2000,5000' }, runs: { type: 'string', default: '5' } },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
const PHONE_LISTS = ['PJSIPShowContacts', 'PJSIPShowEndpoints', 'DeviceStateList', 'ExtensionStateList'];

interface Run {
  connectToLiveMs: number;
  phoneListsMs: number;
  listMs: Record<string, number>;
  cpuMs: number;
  receivedBytes: number;
  boardJsonBytes: number;
  devicesJsonBytes: number;
  counts: { endpoints: number; contacts: number; devices: number };
  warnings: string[];
  heapDeltaAtLive: number;
  heapDeltaRetained: number;
  rssDeltaAtLive: number;
  maxRss: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const worst = (xs: number[]) => Math.max(...xs);
const r1 = (x: number) => Math.round(x * 10) / 10;
const mb = (b: number) => r1(b / 1024 / 1024);

const ami = new BenchChild('support/phones-ami.ts');
const port = Number((await ami.ready).port);

async function once(): Promise<{ run: Run; bytes: Record<string, number> }> {
  const child = new BenchChild('support/phones-session.ts', { PBX_PORT: String(port) });
  await child.ready;
  const run = (await child.request('run')) as unknown as Run;
  await child.stop();
  const { bytes } = (await ami.request('stats')) as { bytes: Record<string, number> };
  return { run, bytes };
}

await ami.request('setup', { phones: sizes[0], startMs: Date.now() });
await once();

const results = [];
for (const phones of sizes) {
  await ami.request('setup', { phones, startMs: Date.now() });
  const samples: Run[] = [];
  let bytes: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    const r = await once();
    samples.push(r.run);
    bytes = r.bytes;
    if (r.run.warnings.length) console.error(`warnings at ${phones}: ${r.run.warnings.join('; ')}`);
  }
  const pick = (f: (s: Run) => number) => ({ median: r1(median(samples.map(f))), worst: r1(worst(samples.map(f))) });
  const result = {
    phones,
    counts: samples[0].counts,
    connectToLiveMs: pick((s) => s.connectToLiveMs),
    phoneListsMs: pick((s) => s.phoneListsMs),
    listMs: Object.fromEntries(PHONE_LISTS.map((l) => [l, pick((s) => s.listMs[l] ?? NaN)])),
    cpuMs: pick((s) => s.cpuMs),
    listBytes: Object.fromEntries(PHONE_LISTS.map((l) => [l, bytes[l] ?? 0])),
    phoneListBytes: PHONE_LISTS.reduce((sum, l) => sum + (bytes[l] ?? 0), 0),
    receivedBytes: samples[0].receivedBytes,
    boardJsonBytes: samples[0].boardJsonBytes,
    devicesJsonBytes: samples[0].devicesJsonBytes,
    heapAtLiveMB: pick((s) => mb(s.heapDeltaAtLive)),
    heapRetainedMB: pick((s) => mb(s.heapDeltaRetained)),
    rssDeltaMB: pick((s) => mb(s.rssDeltaAtLive)),
    maxRssMB: pick((s) => mb(s.maxRss)),
  };
  results.push(result);
  console.log(
    `${phones} phones (${result.counts.endpoints} endpoints, ${result.counts.contacts} contacts, ${result.counts.devices} devices+hints): ` +
      `connect→live ${result.connectToLiveMs.median} ms (worst ${result.connectToLiveMs.worst}), phone lists ${result.phoneListsMs.median} ms ` +
      `(worst ${result.phoneListsMs.worst}), CPU ${result.cpuMs.median} ms; phone lists ${(result.phoneListBytes / 1024).toFixed(0)} KB ` +
      `(${PHONE_LISTS.map((l) => `${l} ${(result.listBytes[l] / 1024).toFixed(0)} KB`).join(', ')}); board endpoints+contacts ` +
      `${(result.boardJsonBytes / 1024).toFixed(0)} KB JSON (devices ${(result.devicesJsonBytes / 1024).toFixed(0)} KB); heap +${result.heapAtLiveMB.median} MB at live, +${result.heapRetainedMB.median} MB retained; ` +
      `RSS +${result.rssDeltaMB.median} MB (worst ${result.rssDeltaMB.worst})`,
  );
  for (const l of PHONE_LISTS) console.log(`  ${l}: ${result.listMs[l].median} ms median, ${result.listMs[l].worst} ms worst`);
}

const first = results[0];
const last = results[results.length - 1];
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const ratios = {
  of: `${last.phones} ÷ ${first.phones}`,
  phones: ratio(last.phones, first.phones),
  connectToLive: ratio(last.connectToLiveMs.median, first.connectToLiveMs.median),
  phoneLists: ratio(last.phoneListsMs.median, first.phoneListsMs.median),
  cpu: ratio(last.cpuMs.median, first.cpuMs.median),
  bytes: ratio(last.phoneListBytes, first.phoneListBytes),
  boardJson: ratio(last.boardJsonBytes, first.boardJsonBytes),
  heapRetained: ratio(last.heapRetainedMB.median, first.heapRetainedMB.median),
};
console.log(
  `${ratios.of}: ${ratios.phones}× the phones, ${ratios.connectToLive}× connect→live, ${ratios.phoneLists}× the phone lists' time, ` +
    `${ratios.cpu}× CPU, ${ratios.bytes}× bytes, ${ratios.boardJson}× board JSON, ${ratios.heapRetained}× retained heap`,
);
console.log(JSON.stringify({ runs, results, ratios }));
await ami.stop();
process.exit(0);
