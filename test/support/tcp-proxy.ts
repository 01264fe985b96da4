/**
 * A TCP proxy of the test's own between a node and Redis, to break that one
 * link while everything else stays up:
 *
 * - `cut()`: every connection is reset, and new ones are refused;
 * - `stall()`: connections stay open but nothing crosses them, new ones
 *   hang unanswered: a silent partition, seen only through timeouts;
 * - `heal()`: new connections go through again (stalled ones are reset, as
 *   a peer's retransmissions would long have given up).
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  url: string;
  cut(): void;
  stall(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, scheme = 'redis'): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let mode: 'open' | 'cut' | 'stall' = 'open';
  const server = net.createServer((client) => {
    open.add(client);
    client.on('error', () => client.destroy()).on('close', () => open.delete(client));
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    if (mode === 'stall') {
      client.pause();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    upstream.on('error', drop).on('close', () => {
      open.delete(upstream);
      drop();
    });
    client.on('data', (d) => {
      if (mode === 'open') upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (mode === 'open') client.write(d);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const resetAll = () => {
    for (const s of open) s.destroy();
    open.clear();
  };
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    cut() {
      mode = 'cut';
      resetAll();
    },
    stall() {
      mode = 'stall';
    },
    heal() {
      if (mode === 'stall') resetAll();
      mode = 'open';
    },
    close() {
      mode = 'cut';
      resetAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
