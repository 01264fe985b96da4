/**
 * One failover, watched from outside as a load balancer's health check and a
 * client would see it: SIGKILL to the event reader, then every `pollMs` each
 * survivor's /api/health (`cluster.reading`) and /api/snapshot, until one
 * survivor reads and every survivor's board is live on a resync made after
 * the kill.
 *
 * "Live again" needs `lastResync` after the kill: until the mirrors mark the
 * board stale (3 s without a heartbeat) it still says connected, from the
 * dead reader, and that is not the new reader's board.
 */
import type { PbxState } from '@/lib/protocol';
import type { NodeProcess } from '../../test/cluster/node-process';

export interface Watched {
  node: NodeProcess;
  cookie: string;
}

export interface FailoverRun {
  victim: string;
  /** The survivor that took the lease. */
  taker: string;
  /** SIGKILL to a survivor answering `cluster.reading: true`. */
  readingMs: number;
  /** SIGKILL to every survivor's board live again on the new reader's resync. */
  allLiveMs: number;
  /** Per survivor, SIGKILL to its board live again. */
  liveMs: Record<string, number>;
  /** Per survivor, whether its board ever said not live in between (Stale or Syncing), as a client would see. */
  sawNotLive: Record<string, boolean>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isLive = (s: PbxState) => s.pbx.link === 'connected' && s.pbx.lastResync >= s.pbx.linkSince;

async function reading(url: string): Promise<boolean> {
  const body = (await (await fetch(`${url}/api/health`)).json()) as { cluster?: { reading: boolean } };
  return body.cluster?.reading === true;
}

async function board(w: Watched): Promise<PbxState> {
  const res = await fetch(`${w.node.url}/api/snapshot`, { headers: { cookie: w.cookie } });
  if (res.status !== 200) throw new Error(`snapshot from ${w.node.name}: ${res.status}`);
  return ((await res.json()) as { state: PbxState }).state;
}

export async function watchFailover(victim: NodeProcess, survivors: Watched[], pollMs = 20, timeoutMs = 30_000): Promise<FailoverRun> {
  const killedWall = Date.now();
  const t0 = performance.now();
  await victim.kill9();
  let readingMs = NaN;
  let taker = '';
  const liveMs: Record<string, number> = {};
  const sawNotLive: Record<string, boolean> = Object.fromEntries(survivors.map((s) => [s.node.name, false]));
  while (performance.now() - t0 < timeoutMs) {
    await Promise.all(
      survivors.map(async (s) => {
        const name = s.node.name;
        const [r, state] = await Promise.all([Number.isNaN(readingMs) ? reading(s.node.url) : false, board(s)]);
        const at = performance.now() - t0;
        if (r && Number.isNaN(readingMs)) [readingMs, taker] = [at, name];
        if (!isLive(state)) sawNotLive[name] = true;
        else if (state.pbx.lastResync >= killedWall && liveMs[name] === undefined) liveMs[name] = at;
      }),
    );
    if (!Number.isNaN(readingMs) && survivors.every((s) => liveMs[s.node.name] !== undefined)) {
      return { victim: victim.name, taker, readingMs, allLiveMs: Math.max(...Object.values(liveMs)), liveMs, sawNotLive };
    }
    await sleep(pollMs);
  }
  throw new Error(
    `failover after killing ${victim.name}: not done in ${timeoutMs} ms (reading ${readingMs}, live ${JSON.stringify(liveMs)})`,
  );
}
