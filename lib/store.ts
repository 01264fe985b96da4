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
  PBX_ID,
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
import { BoardsSync, MAX_PBXS } from './sync-client';
import { setClockOffset } from './ui/clock';

export type Connection = 'connecting' | 'live' | 'reconnecting';

/** One PBX as this page holds it. */
export interface Board {
  id: string;
  label: string;
  state: PbxState;
  /** Seq of the last batch applied; -1 before the first snapshot. */
  seq: number;
  /** True once a snapshot has arrived. */
  ready: boolean;
  /** The pause reasons this PBX's configuration offers first. */
  pauseReasons: readonly string[];
}

export interface PbxStore {
  /** The PBXs this page follows, in the server's order. A board is replaced, never changed, when its state changes. */
  boards: readonly Board[];
  /** The PBX the dashboard shows; null: all of them. */
  selected: string | null;
  /** True once every board has its first snapshot. */
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
  boards: [],
  selected: null,
  ready: false,
  connection: 'connecting',
  socketDownSince: 0,
  clockOffset: 0,
  refused: '',
});

export const usePbx = create<PbxStore>()(initial);

/** Shows one PBX, or all of them (null). */
export function selectPbx(pbx: string | null): void {
  usePbx.setState({ selected: pbx });
}

/** A board that has not had its snapshot yet: shown as connecting, never as empty-and-live. */
const emptyBoard = (id: string, label: string): Board => ({ id, label, state: emptyState(), seq: -1, ready: false, pauseReasons: [] });

/** At most 20 short strings: the server validated them, but a bundle trusts no list from the wire blindly. */
function readReasons(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((r): r is string => typeof r === 'string' && r.length > 0 && r.length <= 60).slice(0, 20);
}

/** `boards` with the board of `id` replaced by `update(board)`. */
function withBoard(boards: readonly Board[], id: string, update: (board: Board) => Board): readonly Board[] {
  const i = boards.findIndex((b) => b.id === id);
  if (i < 0) return boards;
  const next = boards.slice();
  next[i] = update(boards[i]);
  return next;
}

type PbxSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  /** Server URL; the page's own origin when omitted. */
  url?: string;
  /** A wallboard token; without it the session cookie authenticates. */
  token?: string;
  /** Follow one PBX only (a wallboard's `?pbx=`); all of them when omitted. */
  pbx?: string;
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
  private readonly sync: BoardsSync;
  /** Per PBX, the ops accepted since the last frame and the seq they reach. */
  private pending = new Map<string, { ops: Op[]; seq: number }>();
  private frame = 0;
  private fallback: ReturnType<typeof setTimeout> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: ConnectOptions) {
    const socketOptions = {
      auth: {
        protocol: PROTOCOL_VERSION,
        ...(options.token ? { token: options.token } : {}),
        ...(options.pbx ? { pbx: options.pbx } : {}),
      },
      withCredentials: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    };
    this.socket = options.url ? io(options.url, socketOptions) : io(socketOptions);
    this.sync = new BoardsSync(
      { requestSnapshot: (pbx) => this.socket.emit('resync', pbx), protocolMismatch: () => this.reloadForUpgrade() },
      {
        snapshot: (snapshot) => this.applySnapshot(snapshot),
        ops: (pbx, ops, seq) => this.queue(pbx, ops, seq),
        discard: (pbx) => this.pending.delete(pbx),
      },
    );
    this.socket.on('pbxs', (list) => this.setBoards(list));
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

  /** The PBXs the server says we follow: boards kept where they were, new ones empty until their snapshot. */
  private setBoards(list: unknown): void {
    if (!Array.isArray(list)) return;
    const { boards, selected } = usePbx.getState();
    const next: Board[] = [];
    for (const item of list.slice(0, MAX_PBXS)) {
      if (typeof item?.id !== 'string' || !PBX_ID.test(item.id) || next.some((b) => b.id === item.id)) continue;
      const label = typeof item.label === 'string' ? item.label : item.id;
      const pauseReasons = readReasons(item.pauseReasons);
      const old = boards.find((b) => b.id === item.id);
      next.push(old ? { ...old, label, pauseReasons } : { ...emptyBoard(item.id, label), pauseReasons });
    }
    usePbx.setState({
      boards: next,
      ready: next.length > 0 && next.every((b) => b.ready),
      selected: selected && next.some((b) => b.id === selected) ? selected : null,
    });
  }

  private applySnapshot(snapshot: Snapshot): void {
    const clockOffset = snapshot.serverTime - Date.now();
    setClockOffset(clockOffset);
    this.pending.delete(snapshot.pbx);
    const { boards } = usePbx.getState();
    // A snapshot of a PBX the list did not name is not ours to show.
    const next = withBoard(boards, snapshot.pbx, (b) => ({ ...b, state: snapshot.state, seq: snapshot.seq, ready: true }));
    if (next === boards) return;
    usePbx.setState({
      boards: next,
      ready: next.every((b) => b.ready),
      connection: 'live',
      socketDownSince: 0,
      clockOffset,
      refused: '',
    });
  }

  private queue(pbx: string, ops: readonly Op[], seq: number): void {
    let entry = this.pending.get(pbx);
    if (!entry) this.pending.set(pbx, (entry = { ops: [], seq }));
    for (const op of ops) entry.ops.push(op);
    entry.seq = seq;
    if (this.frame || this.fallback) return;
    if (hasFrames) this.frame = requestAnimationFrame(() => this.flush());
    // rAF stops in a hidden tab; don't let batches pile up there.
    this.fallback = setTimeout(() => this.flush(), 250);
  }

  private flush(): void {
    this.cancelFrame();
    if (this.pending.size === 0) return;
    let boards = usePbx.getState().boards;
    for (const [pbx, { ops, seq }] of this.pending) {
      boards = withBoard(boards, pbx, (b) => {
        const state = copyForOps(b.state, ops);
        applyOps(state, ops);
        return { ...b, state, seq };
      });
    }
    this.pending.clear();
    usePbx.setState({ boards });
  }

  private cancelFrame(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.fallback) clearTimeout(this.fallback);
    this.frame = 0;
    this.fallback = null;
  }

  private markDown(refused?: string): void {
    const { socketDownSince, boards } = usePbx.getState();
    usePbx.setState({
      // Something was shown already: it stays, marked as reconnecting.
      connection: boards.some((b) => b.ready) ? 'reconnecting' : 'connecting',
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
