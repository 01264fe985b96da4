/**
 * Tampering with the page's socket.io stream from the test, for views that
 * must cope with less data or with a link that stays down. Handles both
 * engine.io transports: long-polling (the handshake and first snapshot) and
 * the WebSocket it upgrades to.
 */
import type { Page, WebSocketRoute } from '@playwright/test';
import type { QueueCaller } from '../lib/pbx/model';
import type { Op, Snapshot } from '../lib/protocol';

type Packet = (socketIo: string) => string;

/** Rewrites every socket.io packet the server sends to the page. */
export async function rewriteServerPackets(page: Page, rewrite: Packet): Promise<{ sockets: WebSocketRoute[] }> {
  const each = (enginePacket: string) => (enginePacket.startsWith('4') ? `4${rewrite(enginePacket.slice(1))}` : enginePacket);
  await page.route(/\/socket\.io\/.*transport=polling/, async (route) => {
    if (route.request().method() !== 'GET') return route.continue().catch(() => undefined);
    // A long-poll is usually pending when the test ends and its page closes; that is not a failure.
    const closed = () => undefined;
    const res = await route.fetch().catch(closed);
    const text = await res?.text().catch(closed);
    if (res === undefined || text === undefined) return;
    await route.fulfill({ response: res, body: text.split('\x1e').map(each).join('\x1e') }).catch(closed);
  });
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    sockets.push(ws);
    const server = ws.connectToServer();
    server.onMessage((m) => ws.send(typeof m === 'string' ? each(m) : m));
  });
  return { sockets };
}

const HIDDEN_KINDS = new Set(['channels', 'calls', 'bridges', 'devices']);
const CALLER_PRIVATE = [
  'callerNum',
  'callerName',
  'connectedNum',
  'connectedName',
  'channel',
] as const satisfies readonly (keyof QueueCaller)[];

/** What a wallboard gets from a server that sends it aggregates only: no channels or calls, callers without numbers or names. */
export function aggregatesOnly(packet: string): string {
  if (!packet.startsWith('2[')) return packet;
  const [event, payload] = JSON.parse(packet.slice(1)) as [string, unknown];
  if (event === 'snapshot') {
    const s = payload as Snapshot;
    for (const kind of HIDDEN_KINDS) (s.state as unknown as Record<string, unknown>)[kind] = {};
    for (const id in s.state.callers) for (const f of CALLER_PRIVATE) (s.state.callers[id] as unknown as Record<string, unknown>)[f] = '';
  } else if (event === 'ops') {
    const batch = payload as { seq: number; ops: Op[] };
    batch.ops = batch.ops
      .filter((op) => op[0] === 's' || !HIDDEN_KINDS.has(op[1]))
      .map((op) => {
        if (op[0] !== 'u' || op[1] !== 'callers') return op;
        const fields = { ...op[3] };
        for (const f of CALLER_PRIVATE) if (f in fields) fields[f] = '';
        return ['u', op[1], op[2], fields] as const;
      });
  }
  return `2${JSON.stringify([event, payload])}`;
}
