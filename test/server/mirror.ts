/** A socket.io client that mirrors the state as the browser does. */
import { io as connect, type Socket } from 'socket.io-client';
import {
  applyOps,
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type OpBatch,
  type PbxState,
  type ServerToClientEvents,
  type Snapshot,
} from '@/lib/protocol';
import { BoardsSync } from '@/lib/sync-client';

export { waitFor } from '../support/wait-for';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A client that keeps its own copy of one PBX's state through the same sync
 * client the browser store uses (lib/sync-client's BoardsSync), applying
 * accepted ops at once. It follows the PBX it is told to, or the first one
 * the server lists.
 */
export class MirrorClient {
  state: PbxState | null = null;
  readonly socket: ClientSocket;
  /** Every payload received, as JSON text (for leak checks). */
  readonly received: string[] = [];
  private readonly sync: BoardsSync;
  /** The PBX whose state this mirror keeps. */
  pbx: string | null;
  private captures: { target: number; resolve: (state: PbxState | null) => void }[] = [];

  constructor(
    url: string,
    auth: { cookie?: string; token?: string; origin?: string; pbx?: string },
    transport: 'websocket' | 'polling' = 'websocket',
  ) {
    this.pbx = auth.pbx ?? null;
    const headers: Record<string, string> = {};
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.origin) headers.origin = auth.origin;
    this.socket = connect(url, {
      transports: [transport],
      extraHeaders: headers,
      auth: { protocol: PROTOCOL_VERSION, ...(auth.token ? { token: auth.token } : {}), ...(auth.pbx ? { pbx: auth.pbx } : {}) },
      reconnection: false,
      forceNew: true,
    });
    this.sync = new BoardsSync(
      { requestSnapshot: (pbx) => this.socket.emit('resync', pbx) },
      {
        snapshot: (s) => {
          this.pbx ??= s.pbx; // a server that lists no PBXs (a bare fan-out): the first one heard of
          if (s.pbx === this.pbx) this.state = s.state;
        },
        ops: (pbx, ops) => {
          if (pbx === this.pbx) applyOps(this.state!, ops);
        },
      },
    );
    this.socket.on('pbxs', (list) => (this.pbx ??= list[0]?.id ?? null));
    this.socket.onAny((event: string, payload: unknown) => this.received.push(`${event} ${JSON.stringify(payload)}`));
    this.socket.on('snapshot', (s: Snapshot) => {
      this.sync.snapshot(s);
      this.settleCaptures();
    });
    this.socket.on('ops', (b: OpBatch) => {
      if (this.sync.batch(b) === 'applied' && b.pbx === this.pbx) this.settleCaptures();
    });
    this.socket.on('disconnect', () => this.sync.disconnected());
  }

  /** The followed PBX's sync client. */
  private get own() {
    return this.pbx === null ? undefined : this.sync.of(this.pbx);
  }
  get seq(): number {
    return this.own?.seq ?? -1;
  }
  get snapshots(): number {
    return this.own?.counters.snapshots ?? 0;
  }
  get batches(): number {
    return this.own?.counters.batches ?? 0;
  }
  get gaps(): number {
    return this.own?.counters.gaps ?? 0;
  }

  /** The state exactly at `seq` (null if the client jumped past it with a snapshot). */
  stateAt(seq: number): Promise<PbxState | null> {
    if (this.seq === seq && this.state) return Promise.resolve(structuredClone(this.state));
    if (this.seq > seq) return Promise.resolve(null);
    return new Promise((resolve) => this.captures.push({ target: seq, resolve }));
  }

  private settleCaptures(): void {
    this.captures = this.captures.filter((c) => {
      if (c.target > this.seq) return true;
      c.resolve(c.target === this.seq && this.state ? structuredClone(this.state) : null);
      return false;
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** The server's state as a client receives it (through JSON). */
export function wireCopy(state: PbxState): PbxState {
  return JSON.parse(JSON.stringify(state)) as PbxState;
}
