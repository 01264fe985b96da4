/**
 * A mirror client on engine.io's HTTP long-polling transport that can stop
 * reading: it stops issuing polls, so everything the server sends it waits
 * in the server's own buffers (no kernel socket buffers in between), as for
 * a frozen tab on a long-polling connection.
 */
import { io as connect } from 'socket.io-client';
import { applyOps, type OpBatch, type PbxState, type Snapshot } from '@/lib/protocol';
import type { ClientSocket } from '../server/mirror';

/** engine.io-client's polling transport: its (internal) pause and poll loop. */
interface PollingTransport {
  name: string;
  readyState: string;
  pause(onPause: () => void): void;
  _poll(): void;
}

export class PollingMirror {
  state: PbxState | null = null;
  seq = -1;
  snapshots = 0;
  gaps = 0;
  readonly socket: ClientSocket;
  private captures: { target: number; resolve: (state: PbxState | null) => void }[] = [];

  constructor(url: string, cookie: string) {
    this.socket = connect(url, { transports: ['polling'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
    this.socket.on('snapshot', (s: Snapshot) => {
      this.state = s.state;
      this.seq = s.seq;
      this.snapshots++;
      this.settle();
    });
    this.socket.on('ops', (b: OpBatch) => {
      if (this.state === null) return;
      if (b.seq !== this.seq + 1) {
        if (b.seq > this.seq + 1) {
          this.gaps++;
          this.socket.emit('resync');
        }
        return;
      }
      applyOps(this.state, b.ops);
      this.seq = b.seq;
      this.settle();
    });
  }

  private get transport(): PollingTransport {
    const t = this.socket.io.engine.transport as unknown as PollingTransport;
    if (t.name !== 'polling') throw new Error(`expected the polling transport, got ${t.name}`);
    return t;
  }

  /** Resolves once no poll is outstanding any more. */
  stopReading(): Promise<void> {
    return new Promise((resolve) => this.transport.pause(resolve));
  }

  resumeReading(): void {
    const t = this.transport;
    t.readyState = 'open';
    t._poll();
  }

  stateAt(seq: number): Promise<PbxState | null> {
    if (this.seq === seq && this.state) return Promise.resolve(structuredClone(this.state));
    if (this.seq > seq) return Promise.resolve(null);
    return new Promise((resolve) => this.captures.push({ target: seq, resolve }));
  }

  private settle(): void {
    this.captures = this.captures.filter((c) => {
      if (c.target > this.seq) return true;
      c.resolve(c.target === this.seq && this.state ? structuredClone(this.state) : null);
      return false;
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}
