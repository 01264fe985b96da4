/**
 * The processes of bench/cluster.ts, built on bench/e2e's children: demo
 * PBXs in load mode, Callboard nodes (bench/e2e/server.ts, with REDIS_URL
 * for a node of several), client processes; and one measured window over
 * all of them at once.
 */
import { Child, type Reply } from '../e2e/ipc';
import { mergeClients } from '../e2e/report';
import type { RedisFigures } from './redis-meter';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Every child the bench started, so that an error or ^C leaves none behind. */
export class Fleet {
  private readonly children = new Set<Child>();

  spawn(file: string, env: Record<string, string>): Child {
    const c = new Child(file, env);
    this.children.add(c);
    c.proc.once('exit', () => this.children.delete(c));
    return c;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((c) => c.stop()));
  }
}

export interface Pbx {
  child: Child;
  port: number;
  username: string;
  secret: string;
}

export async function startPbx(fleet: Fleet, channels: number, eps: number): Promise<Pbx> {
  const child = fleet.spawn('pbx.ts', { PBX_CHANNELS: String(channels), PBX_EPS: String(eps) });
  const r = await child.ready;
  return { child, port: Number(r.port), username: String(r.username), secret: String(r.secret) };
}

/** The bench server's environment for two PBXs (bench/e2e/start-server.ts). */
export function twoPbxEnv([a, b]: Pbx[]): Record<string, string> {
  return {
    PBX_PORT: String(a.port),
    PBX_USER: a.username,
    PBX_SECRET: a.secret,
    PBX2_PORT: String(b.port),
    PBX2_USER: b.username,
    PBX2_SECRET: b.secret,
    // Off on both sides: with several nodes the history belongs in PostgreSQL, not one SQLite file per node.
    BENCH_HISTORY: 'off',
  };
}

export interface Node {
  name: string;
  child: Child;
  info: Reply;
}

export async function startNode(fleet: Fleet, name: string, env: Record<string, string>): Promise<Node> {
  const child = fleet.spawn('server.ts', env);
  return { name, child, info: await child.ready };
}

export interface Window {
  /** Per node: the server's figures and its clients' merged figures. */
  nodes: { name: string; server: Reply; clients: Reply }[];
  pbxEventsPerSec: number;
  pbxs: Reply[];
  redis: RedisFigures | null;
  seconds: number;
}

/** Who the clients are: on the whole board (All), limited to one queue (a session cookie), or TV wallboards. */
export type ClientKind = 'all' | 'scoped' | 'wallboard';
export interface ClientGroup {
  kind: ClientKind;
  count: number;
}

/** `all:50,scoped:350,wallboard:100`: per node. */
export function parseMix(text: string): ClientGroup[] {
  return text.split(',').map((part) => {
    const [kind, count] = part.split(':');
    if (!['all', 'scoped', 'wallboard'].includes(kind) || !(Number(count) > 0)) throw new Error(`BENCH_MIX: cannot read "${part}"`);
    return { kind: kind as ClientKind, count: Number(count) };
  });
}

export interface WindowOptions {
  clientsPerNode: number;
  /** Instead of `clientsPerNode` clients on All: these groups on every node. */
  mix?: ClientGroup[];
  /** Client processes per node: one process cannot parse what 200 clients of two PBXs receive. */
  procsPerNode: number;
  /** Clients per process that parse what they receive (the rest are light: bench/e2e/clients.ts). */
  parsePerProc: number;
  seconds: number;
  warmupMs: number;
  redis?: { start(): Promise<void>; stop(): Promise<RedisFigures> };
}

/**
 * The client processes of one node. Those on All get `procsPerNode` processes and mostly light clients (they
 * receive everything); a scoped or wallboard group gets one process. In each, `parsePerProc` clients parse.
 */
function clientEnvs(node: Node, o: WindowOptions): Record<string, string>[] {
  const groups = o.mix ?? [{ kind: 'all', count: o.clientsPerNode }];
  return groups.flatMap(({ kind, count }) => {
    const procs = kind === 'all' ? o.procsPerNode : 1;
    const who: Record<string, string> =
      kind === 'scoped'
        ? { SERVER_COOKIE: String(node.info.scopedCookie) }
        : { SERVER_TOKEN: String((kind === 'wallboard' ? node.info.wallboardToken : node.info.token) ?? '') };
    return Array.from({ length: procs }, (_, i) => ({
      SERVER_URL: String(node.info.url),
      MODE: 'ours',
      ...who,
      CLIENTS: String(Math.floor(count / procs) + (i < count % procs ? 1 : 0)),
      // Light clients load the node as parsing ones do; parsing all 1,500 would measure the clients' own CPU.
      PARSE_CLIENTS: String(o.parsePerProc),
      FULL_COPIES: kind === 'all' ? '2' : '0',
    }));
  });
}

/** Clients onto every node, a warm-up, then one window measured on every process at once. */
export async function measureWindow(fleet: Fleet, nodes: Node[], pbxs: Pbx[], o: WindowOptions): Promise<Window> {
  const perNode = nodes.map((node) => clientEnvs(node, o).map((env) => fleet.spawn('clients.ts', env)));
  const all = perNode.flat();
  const ready = await Promise.all(all.map((c) => c.ready));
  const connected = ready.reduce((n, r) => n + Number(r.clients), 0);
  log(`${connected}/${o.clientsPerNode * nodes.length} clients ready on ${nodes.length} node(s) in ${all.length} processes; warming up`);
  await sleep(o.warmupMs);
  const t0 = performance.now();
  await Promise.all([
    ...pbxs.map((p) => p.child.request('measure-start')),
    ...nodes.map((n) => n.child.request('measure-start')),
    ...all.map((c) => c.request('measure-start')),
    o.redis?.start(),
  ]);
  await sleep(o.seconds * 1000);
  const [servers, clients, pbxFigures, redis] = await Promise.all([
    Promise.all(nodes.map((n) => n.child.request('measure-stop'))),
    Promise.all(perNode.map((cs) => Promise.all(cs.map((c) => c.request('measure-stop'))))),
    Promise.all(pbxs.map((p) => p.child.request('measure-stop'))),
    o.redis?.stop() ?? null,
  ]);
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(all.map((c) => c.stop()));
  return {
    nodes: nodes.map((n, i) => ({ name: n.name, server: servers[i], clients: mergeClients(clients[i]) })),
    pbxEventsPerSec: pbxFigures.reduce((n, p) => n + Number(p.eventsPerSec), 0),
    pbxs: pbxFigures,
    redis,
    seconds,
  };
}
