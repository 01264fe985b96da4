/**
 * Several Callboard nodes for the multi-node tests: one demo PBX, one
 * throwaway Redis, and each node behind a TCP proxy of its own to Redis, so
 * a test can partition one node while the others stay up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createCallboard, type Callboard, type CallboardOptions } from '@/server/app';
import type { ClusterTiming } from '@/server/cluster';
import { loadConfig } from '@/server/config';
import { startDemoPbx } from '@/server/demo-pbx/index';
import { createLogger } from '@/server/log';
import type { PbxState } from '@/lib/protocol';
import { TestAmi } from '../demo-pbx/ami-test-client';
import { parkedOf, parkedOfList, viewOf, viewOfLists, type View } from '../faults/truth';
import { login, type DemoPbx } from '../server/harness';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import type { TestRedis } from '../support/redis';
import { waitForAsync } from '../support/wait-for';

/** Short enough for a test, in the same proportions as the defaults (5 s TTL, 1.5 s renewal, 1 s margin). */
export const TEST_TIMING: ClusterTiming = {
  lease: { ttlMs: 2_000, renewMs: 500, takeMs: 200, safetyMs: 500 },
  staleAfterMs: 1_000,
  heartbeatMs: 200,
  snapshotMs: 2_000,
};

export interface TestNode {
  name: string;
  app: Callboard;
  url: string;
  proxy: TcpProxy;
  cookie: string;
  close(): Promise<void>;
}

/** A slow, steady demo PBX: calls last, so quiet moments with calls up are common. */
export function startClusterPbx(seed = 11): Promise<DemoPbx> {
  return startDemoPbx({ port: 0, seed, speed: 2, traffic: { callsPerMinute: 40, maxConcurrentCalls: 8 } });
}

export async function startNode(
  name: string,
  pbx: DemoPbx,
  redis: TestRedis,
  opts: { timing?: ClusterTiming; app?: Partial<CallboardOptions>; env?: Record<string, string> } = {},
): Promise<TestNode> {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cb-node-${name}-`));
  const config = loadConfig({
    CALLBOARD_DATA: dataDir,
    CALLBOARD_BATCH_MS: '20',
    CALLBOARD_SNAPSHOTS_PER_MINUTE: '10000',
    CALLBOARD_HISTORY: 'off',
    ORIGINATE_CONTEXT: 'internal',
    REDIS_URL: proxy.url,
    CALLBOARD_NODE: name,
    ...opts.env,
  });
  const account = pbx.users[0];
  const app = await createCallboard(config, {
    log: createLogger(process.env.TEST_LOG ?? 'silent'),
    ami: { host: pbx.host, port: pbx.port, username: account.username, secret: account.secret, tls: false },
    demo: true,
    amiClient: { backoff: { initialMs: 50, maxMs: 200 } },
    clusterTiming: opts.timing ?? TEST_TIMING,
    ...opts.app,
  });
  const address = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    name,
    app,
    url,
    proxy,
    cookie: await login(url, 'admin', 'admin'),
    async close() {
      await app.close();
      await proxy.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Board {
  state: PbxState;
  seq: number;
}

/** A node's board as a client gets it over REST. */
export async function boardOf(node: { url: string; cookie: string }): Promise<Board> {
  const res = await fetch(`${node.url}/api/snapshot`, { headers: { cookie: node.cookie } });
  if (res.status !== 200) throw new Error(`snapshot from ${node.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Board;
}

/** What is compared with the PBX: the fault tests' view, and parked calls. */
type Truth = View & { parked: Record<string, unknown> };

export const isLive = (state: PbxState) => state.pbx.link === 'connected' && state.pbx.lastResync >= state.pbx.linkSince;

/**
 * Waits for a moment when the PBX's own lists and every node's board agree,
 * with no PBX event from before the lists to after the last board: then
 * each board must equal the lists, or it shows a ghost or misses something.
 * Returns how many channels were compared.
 */
export async function expectBoardsEqualPbx(pbx: DemoPbx, nodes: { url: string; cookie: string }[], timeoutMs = 20_000): Promise<number> {
  const user = pbx.users[0];
  const ami = await TestAmi.login(pbx.port, user.username, user.secret, { Events: 'off' });
  let last: { lists: Truth; boards: (Truth & { link: string })[] } | null = null;
  try {
    return await waitForAsync(
      async () => {
        const before = pbx.snapshot().events;
        const [c, q, b, p] = await Promise.all([
          ami.list({ Action: 'CoreShowChannels' }),
          ami.list({ Action: 'QueueStatus' }),
          ami.list({ Action: 'BridgeList' }),
          ami.list({ Action: 'ParkedCalls' }),
        ]);
        const fields = (r: typeof c) => r.items.map((i) => i.fields);
        const lists: Truth = { ...viewOfLists(fields(c), fields(q), fields(b)), parked: parkedOfList(fields(p)) };
        const boards = await Promise.all(nodes.map(boardOf));
        if (pbx.snapshot().events !== before) return false;
        const truthOf = (state: PbxState): Truth => ({ ...viewOf(state), parked: parkedOf(state) });
        last = { lists, boards: boards.map((x) => ({ ...truthOf(x.state), link: linkOf(x.state) })) };
        const same = boards.every((x) => isLive(x.state) && isDeepStrictEqual(truthOf(x.state), lists));
        return same && c.items.length > 0 ? c.items.length : false;
      },
      'every node to equal the PBX lists at a quiet moment',
      { timeoutMs, intervalMs: 50 },
    );
  } catch (err) {
    if (last) process.stderr.write(`last comparison: ${describeDifferences(last)}\n`);
    throw err;
  } finally {
    ami.close();
  }
}

const linkOf = ({ pbx }: PbxState) => `${pbx.link}, lastResync ${pbx.lastResync - pbx.linkSince} ms after linkSince`;

/** Per board: its link, and each table's ids it lacks, has too many of, or shows differently from the lists. */
function describeDifferences({ lists, boards }: { lists: Truth; boards: (Truth & { link: string })[] }): string {
  return boards
    .map((board, i) => {
      const tables = (Object.keys(lists) as (keyof Truth)[]).flatMap((t) => {
        const want = lists[t];
        const got = board[t];
        const missing = Object.keys(want).filter((id) => !Object.hasOwn(got, id));
        const ghosts = Object.keys(got).filter((id) => !Object.hasOwn(want, id));
        const changed = Object.keys(want).filter((id) => Object.hasOwn(got, id) && !isDeepStrictEqual(want[id], got[id]));
        if (!missing.length && !ghosts.length && !changed.length) return [];
        const first = changed[0];
        const example = first ? ` e.g. ${first}: ${JSON.stringify(got[first])} for ${JSON.stringify(want[first])}` : '';
        return [`${t}: missing [${missing.join(' ')}] ghosts [${ghosts.join(' ')}] changed [${changed.join(' ')}]${example}`];
      });
      return `board ${i} (${board.link}): ${tables.join('; ') || 'equal'}`;
    })
    .join('\n');
}
