/**
 * A mirror client on engine.io's HTTP long-polling transport that can stop
 * reading: it stops issuing polls, so everything the server sends it waits
 * in the server's own buffers (no kernel socket buffers in between), as for
 * a frozen tab on a long-polling connection.
 */
import { MirrorClient } from '../server/mirror';

/** engine.io-client's polling transport: its (internal) pause and poll loop. */
interface PollingTransport {
  name: string;
  readyState: string;
  pause(onPause: () => void): void;
  _poll(): void;
}

export class PollingMirror extends MirrorClient {
  constructor(url: string, cookie: string) {
    super(url, { cookie }, 'polling');
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
}
