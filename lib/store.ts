/**
 * The browser's copy of the PBX state.
 *
 * One socket per page. The server sends a snapshot, then numbered op batches;
 * batches are queued and applied together once per animation frame with the
 * shared `applyOps`, on a `copyForOps` copy, so entities that changed get new
 * references and everything else keeps its own — a component that selects one
 * call re-renders only when that call changes. A gap in `seq` means we missed
 * something: ask for a fresh snapshot and drop batches until it arrives.
 */
import { create } from 'zustand';
import { io, type Socket } from 'socket.io-client';
import { emptyState, type PbxState } from './pbx/model';
import {
  adoptState,
  applyOps,
  copyForOps,
  type ActionRequest,
  type ActionResult,
  type ClientToServerEvents,
  type Op,
  type OpBatch,
  type ServerToClientEvents,
  type Snapshot,
} from './protocol';
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

let socket: PbxSocket | null = null;
let users = 0;
let pending: Op[] = [];
let pendingSeq = -1;
/** Seq of the newest batch accepted (applied or queued). */
let lastSeq = -1;
/** True from a gap (or a disconnect) until the next snapshot. */
let awaitingSnapshot = true;
let frame = 0;
let fallback: ReturnType<typeof setTimeout> | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;

function flush(): void {
  if (frame) cancelAnimationFrame(frame);
  if (fallback) clearTimeout(fallback);
  frame = 0;
  fallback = null;
  if (pending.length === 0) return;
  const ops = pending;
  pending = [];
  const { state } = usePbx.getState();
  const next = copyForOps(state, ops);
  applyOps(next, ops);
  usePbx.setState({ state: next, seq: pendingSeq });
}

const hasFrames = typeof requestAnimationFrame === 'function';

function scheduleFlush(): void {
  if (frame || fallback) return;
  if (hasFrames) frame = requestAnimationFrame(flush);
  // rAF stops in a hidden tab; don't let batches pile up there.
  fallback = setTimeout(flush, 250);
}

function dropPending(): void {
  if (frame) cancelAnimationFrame(frame);
  if (fallback) clearTimeout(fallback);
  frame = 0;
  fallback = null;
  pending = [];
}

function onSnapshot(snapshot: Snapshot): void {
  dropPending();
  lastSeq = snapshot.seq;
  pendingSeq = snapshot.seq;
  awaitingSnapshot = false;
  const clockOffset = snapshot.serverTime - Date.now();
  setClockOffset(clockOffset);
  usePbx.setState({
    // JSON gave ordinary objects: ids like `constructor` must not find their prototype.
    state: adoptState(snapshot.state),
    seq: snapshot.seq,
    ready: true,
    connection: 'live',
    socketDownSince: 0,
    clockOffset,
    refused: '',
  });
}

function onOps(batch: OpBatch): void {
  if (awaitingSnapshot) return;
  if (batch.seq <= lastSeq) return; // a duplicate: already have it
  if (batch.seq !== lastSeq + 1) {
    awaitingSnapshot = true;
    dropPending();
    socket?.emit('resync');
    return;
  }
  lastSeq = batch.seq;
  pendingSeq = batch.seq;
  for (const op of batch.ops) pending.push(op);
  scheduleFlush();
}

/**
 * Opens the page's socket (once; later calls share it). Returns a release
 * function; the socket closes when the last user releases it.
 */
export function connectPbx(options: ConnectOptions = {}): () => void {
  users++;
  if (!socket) socket = openSocket(options);
  return () => {
    users--;
    if (users > 0 || !socket) return;
    socket.removeAllListeners();
    socket.disconnect();
    socket = null;
    if (retry) clearTimeout(retry);
    retry = null;
    dropPending();
    awaitingSnapshot = true;
    lastSeq = -1;
  };
}

function openSocket({ url, token, onUnauthorized }: ConnectOptions): PbxSocket {
  const options = {
    auth: token ? { token } : undefined,
    withCredentials: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  };
  const s: PbxSocket = url ? io(url, options) : io(options);
  s.on('snapshot', onSnapshot);
  s.on('ops', onOps);
  s.on('disconnect', (reason) => {
    // socket.io leaves a server-side disconnect (e.g. we fell too far behind) to us.
    if (reason === 'io server disconnect') scheduleReconnect(s, 500);
    awaitingSnapshot = true;
    dropPending();
    const { socketDownSince, ready } = usePbx.getState();
    usePbx.setState({
      connection: ready ? 'reconnecting' : 'connecting',
      socketDownSince: socketDownSince || Date.now(),
    });
  });
  s.on('connect_error', (err) => {
    const { socketDownSince, ready } = usePbx.getState();
    usePbx.setState({
      connection: ready ? 'reconnecting' : 'connecting',
      socketDownSince: socketDownSince || Date.now(),
      refused: s.active ? '' : err.message,
    });
    if (s.active) return; // socket.io retries transport errors itself
    // The server refused us in its middleware: socket.io won't retry that.
    if (err.message === 'unauthorized' && !token && onUnauthorized) {
      onUnauthorized();
      return;
    }
    // A wallboard keeps trying forever: the server may be restarting.
    scheduleReconnect(s, 3000);
  });
  return s;
}

function scheduleReconnect(s: PbxSocket, ms: number): void {
  if (retry) clearTimeout(retry);
  retry = setTimeout(() => {
    retry = null;
    if (socket === s && !s.connected) s.connect();
  }, ms);
}

/**
 * Sends an action and resolves with the server's result. Originate resolves
 * only when Asterisk's OriginateResponse arrives, hence the long timeout.
 */
export function sendAction(request: ActionRequest, timeoutMs = 40_000): Promise<ActionResult> {
  const s = socket;
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
