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
import { SyncClient } from '@/lib/sync-client';

export { waitFor } from '../support/wait-for';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A client that keeps its own copy of the state through the same sync client
 * the browser store uses (lib/sync-client), applying accepted ops at once.
 */
export class MirrorClient {
  state: PbxState | null = null;
  readonly socket: ClientSocket;
  /** Every payload received, as JSON text (for leak checks). */
  readonly received: string[] = [];
  private readonly sync: SyncClient;
  private captures: { target: number; resolve: (state: PbxState | null) => void }[] = [];

  constructor(url: string, auth: { cookie?: string; token?: string; origin?: string }, transport: 'websocket' | 'polling' = 'websocket') {
    const headers: Record<string, string> = {};
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.origin) headers.origin = auth.origin;
    this.socket = connect(url, {
      transports: [transport],
      extraHeaders: headers,
      auth: { protocol: PROTOCOL_VERSION, ...(auth.token ? { token: auth.token } : {}) },
      reconnection: false,
      forceNew: true,
    });
    this.sync = new SyncClient(
      { requestSnapshot: () => this.socket.emit('resync') },
      {
        snapshot: (s) => (this.state = s.state),
        ops: (ops) => applyOps(this.state!, ops),
      },
    );
    this.socket.onAny((event: string, payload: unknown) => this.received.push(`${event} ${JSON.stringify(payload)}`));
    this.socket.on('snapshot', (s: Snapshot) => {
      this.sync.snapshot(s);
      this.settleCaptures();
    });
    this.socket.on('ops', (b: OpBatch) => {
      if (this.sync.batch(b) === 'applied') this.settleCaptures();
    });
    this.socket.on('disconnect', () => this.sync.disconnected());
  }

  get seq(): number {
    return this.sync.seq;
  }
  get snapshots(): number {
    return this.sync.counters.snapshots;
  }
  get batches(): number {
    return this.sync.counters.batches;
  }
  get gaps(): number {
    return this.sync.counters.gaps;
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
