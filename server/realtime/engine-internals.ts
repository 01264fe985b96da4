/**
 * The only place that reads engine.io's private fields.
 *
 * A slow client must be cut off before its backlog grows without bound, and
 * its queued state packets dropped, since a fresh snapshot replaces them.
 * Neither socket.io nor engine.io offers a public way to see or trim what is
 * queued for one client, so this module reads `conn.writeBuffer` (packets
 * not yet handed to the transport) and the WebSocket's `bufferedAmount`, and
 * recognises our own events in socket.io's encoded form.
 *
 * socket.io and engine.io are pinned exactly in package.json, and
 * test/server/engine-internals.test.ts fails when an upgrade changes any of
 * this, before the fan-out silently stops cutting slow clients off.
 */
import type { Socket } from 'socket.io';

interface QueuedPacket {
  type: string;
  data?: unknown;
}

interface EngineConn {
  writeBuffer: QueuedPacket[];
  transport?: { name?: string; socket?: { bufferedAmount?: number } };
}

function connOf(socket: Socket): EngineConn {
  return socket.conn as unknown as EngineConn;
}

function byteLength(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data && typeof (data as ArrayBufferLike).byteLength === 'number') return (data as ArrayBufferLike).byteLength;
  return 0;
}

/** Bytes queued for a client but not yet on the wire: engine.io's write buffer plus the WebSocket's. */
export function unsentBytes(socket: Socket): number {
  const conn = connOf(socket);
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer) bytes += byteLength(packet.data);
  return bytes;
}

/**
 * The event name of an encoded socket.io EVENT packet (`2["name",…]`, or
 * `2/nsp,["name",…]` outside the main namespace), else null. Acks (`3…`),
 * connects and engine.io's own pings are not events.
 */
export function encodedEventName(data: unknown): string | null {
  if (typeof data !== 'string' || data[0] !== '2') return null;
  let i = 1;
  if (data[i] === '/') {
    const comma = data.indexOf(',', i);
    if (comma === -1) return null;
    i = comma + 1;
  }
  while (i < data.length && data[i] >= '0' && data[i] <= '9') i++; // an ack id, when the event wants one
  if (!data.startsWith('["', i)) return null;
  const end = data.indexOf('"', i + 2);
  return end === -1 ? null : data.slice(i + 2, end);
}

/**
 * The `pbx` of an encoded snapshot or batch: it is among the first keys of
 * both (lib/protocol), so only the packet's head is looked at, never the
 * whole (possibly megabytes of) snapshot. PBX ids hold no quote or escape.
 */
export function encodedPbx(data: unknown): string | null {
  if (typeof data !== 'string') return null;
  const head = data.slice(0, 120);
  const at = head.indexOf('"pbx":"');
  if (at === -1) return null;
  const end = head.indexOf('"', at + 7);
  return end === -1 ? null : head.slice(at + 7, end);
}

/**
 * Removes this client's queued packets of the given events (of one PBX only,
 * when `pbx` is given: another PBX's snapshot on its way must not be lost);
 * returns how many went. Everything else stays.
 */
export function dropQueuedEvents(socket: Socket, events: ReadonlySet<string>, pbx?: string): number {
  const conn = connOf(socket);
  const before = conn.writeBuffer.length;
  conn.writeBuffer = conn.writeBuffer.filter((p) => {
    const name = p.type === 'message' ? encodedEventName(p.data) : null;
    if (name === null || !events.has(name)) return true;
    return pbx !== undefined && encodedPbx(p.data) !== pbx;
  });
  return before - conn.writeBuffer.length;
}
