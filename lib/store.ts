/**
 * The browser's copy of the PBX state.
 *
 * One socket per page. The server sends a snapshot, then numbered op batches;
 * batches are queued and applied together once per animation frame with the
 * shared `applyOps`, on a `copyForOps` copy, so entities that changed get new
 * references and everything else keeps its own — a component that selects one
 * call re-renders only when that call changes. The seq and gap rules are
 * lib/sync-client's, the same the tests and benches run.
 */
import { create } from 'zustand';
import { io, type Socket } from 'socket.io-client';
import { emptyState, type PbxState } from './pbx/model';
import {
  PROTOCOL_VERSION,
  applyOps,
  copyForOps,
  type ActionRequest,
  type ActionResult,
  type ClientToServerEvents,
  type Op,
  type ServerToClientEvents,
  type Snapshot,
} from './protocol';
import { SyncClient } from './sync-client';
import { setClockOffset } from './ui/clock';

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface PbxStore {
  state: PbxState;
  /** Seq of the last batch applied; -1 before the first snapshot. */
  seq: number;
  /** True once a snapshot has arrived. */
  ready: boolean;
  connection: Connection;
  /** Browser time (ms) the socket went down; 0 while it is up. */
  socketDownSince: number;
  /** Server clock minus browser clock, from the last snapshot. */
  clockOffset: number;
  /** Why the server refused the socket, e.g. 'unauthorized'. */
  refused: string;
}

const initial = (): PbxStore => ({
  state: emptyState(),
  seq: -1,
  ready: false,
  connection: 'connecting',
  socketDownSince: 0,
  clockOffset: 0,
  refused: '',
});

export const usePbx = create<PbxStore>()(initial);

type PbxSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  /** Server URL; the page's own origin when omitted. */
  url?: string;
  /** A wallboard token; without it the session cookie authenticates. */
  token?: string;
  /** Called when the server refuses us for want of a valid session. */
  onUnauthorized?: () => void;
}

/**
 * The page's one connection: its socket, the sync client that follows the
 * wire, and the ops accepted but not yet applied. Applying waits for the next
 * animation frame, so a burst of batches costs one render.
 */
class PageConnection {
  readonly socket: PbxSocket;
  private readonly sync: SyncClient;
  private pending: Op[] = [];
  private pendingSeq = -1;
  private frame = 0;
  private fallback: ReturnType<typeof setTimeout> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: ConnectOptions) {
    const socketOptions = {
      auth: { protocol: PROTOCOL_VERSION, ...(options.token ? { token: options.token } : {}) },
      withCredentials: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    };
    this.socket = options.url ? io(options.url, socketOptions) : io(socketOptions);
    this.sync = new SyncClient(
      { requestSnapshot: () => this.socket.emit('resync'), protocolMismatch: () => this.reloadForUpgrade() },
      {
        snapshot: (snapshot) => this.applySnapshot(snapshot),
        ops: (ops, seq) => this.queue(ops, seq),
        discard: () => this.dropPending(),
      },
    );
    this.socket.on('snapshot', (snapshot) => this.sync.snapshot(snapshot));
    this.socket.on('ops', (batch) => this.sync.batch(batch));
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (err) => this.onConnectError(err));
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.sync.disconnected();
  }

  private applySnapshot(snapshot: Snapshot): void {
    const clockOffset = snapshot.serverTime - Date.now();
    setClockOffset(clockOffset);
    this.pendingSeq = snapshot.seq;
    usePbx.setState({
      state: snapshot.state,
      seq: snapshot.seq,
      ready: true,
      connection: 'live',
      socketDownSince: 0,
      clockOffset,
      refused: '',
    });
  }

  private queue(ops: readonly Op[], seq: number): void {
    for (const op of ops) this.pending.push(op);
    this.pendingSeq = seq;
    if (this.frame || this.fallback) return;
    if (hasFrames) this.frame = requestAnimationFrame(() => this.flush());
    // rAF stops in a hidden tab; don't let batches pile up there.
    this.fallback = setTimeout(() => this.flush(), 250);
  }

  private flush(): void {
    this.cancelFrame();
    if (this.pending.length === 0) return;
    const ops = this.pending;
    this.pending = [];
    const { state } = usePbx.getState();
    const next = copyForOps(state, ops);
    applyOps(next, ops);
    usePbx.setState({ state: next, seq: this.pendingSeq });
  }

  private dropPending(): void {
    this.cancelFrame();
    this.pending = [];
  }

  private cancelFrame(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.fallback) clearTimeout(this.fallback);
    this.frame = 0;
    this.fallback = null;
  }

  private markDown(refused?: string): void {
    const { socketDownSince, ready } = usePbx.getState();
    usePbx.setState({
      connection: ready ? 'reconnecting' : 'connecting',
      socketDownSince: socketDownSince || Date.now(),
      ...(refused === undefined ? {} : { refused }),
    });
  }

  private onDisconnect(reason: string): void {
    // socket.io leaves a server-side disconnect (e.g. we fell too far behind) to us.
    if (reason === 'io server disconnect') this.reconnectIn(500);
    this.sync.disconnected();
    this.markDown();
  }

  private onConnectError(err: Error): void {
    const s = this.socket;
    this.markDown(s.active ? '' : err.message);
    if (s.active) return; // socket.io retries transport errors itself
    if (err.message === PROTOCOL_MISMATCH) {
      this.reloadForUpgrade();
      return;
    }
    // The server refused us in its middleware: socket.io won't retry that.
    if (err.message === 'unauthorized' && !this.options.token && this.options.onUnauthorized) {
      this.options.onUnauthorized();
      return;
    }
    // A wallboard keeps trying forever: the server may be restarting.
    this.reconnectIn(3000);
  }

  /**
   * The server was upgraded under this page: load the bundle that speaks its
   * protocol. Once per half minute at most, in case the server is mid-deploy
   * and still hands out the old bundle; meanwhile the page stays as it is,
   * marked stale, and tries again.
   */
  private reloadForUpgrade(): void {
    this.sync.disconnected();
    this.markDown();
    const last = Number(sessionStorage.getItem(RELOAD_KEY) ?? 0);
    if (Date.now() - last > RELOAD_MIN_INTERVAL_MS) {
      sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
      location.reload();
      return;
    }
    this.socket.disconnect();
    this.reconnectIn(RELOAD_MIN_INTERVAL_MS);
  }

  private reconnectIn(ms: number): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (connection === this && !this.socket.connected) this.socket.connect();
    }, ms);
  }
}

const hasFrames = typeof requestAnimationFrame === 'function';
/** What the server answers a handshake in another protocol version (server/realtime/sockets.ts). */
const PROTOCOL_MISMATCH = 'protocol-mismatch';
const RELOAD_KEY = 'callboard-protocol-reload';
const RELOAD_MIN_INTERVAL_MS = 30_000;
let connection: PageConnection | null = null;
let users = 0;

/**
 * Opens the page's socket (once; later calls share it). Returns a release
 * function; the socket closes when the last user releases it.
 */
export function connectPbx(options: ConnectOptions = {}): () => void {
  users++;
  connection ??= new PageConnection(options);
  return () => {
    users--;
    if (users > 0 || !connection) return;
    connection.close();
    connection = null;
  };
}

/**
 * Sends an action and resolves with the server's result. Originate resolves
 * only when Asterisk's OriginateResponse arrives, hence the long timeout.
 */
export function sendAction(request: ActionRequest, timeoutMs = 40_000): Promise<ActionResult> {
  const s = connection?.socket;
  if (!s || !s.connected) {
    return Promise.resolve({ ok: false, code: 'link-down', message: 'Not connected to the Callboard server.' });
  }
  return new Promise((resolve) => {
    s.timeout(timeoutMs).emit('action', request, (err: Error | null, result?: ActionResult) => {
      if (err || !result) resolve({ ok: false, code: 'timeout', message: 'No answer from the server in time.' });
      else resolve(result);
    });
  });
}
