/**
 * A scripted Asterisk on a loopback port: the greeting, then each action
 * answered by `answer(action, actionId, headers)`. It records the actions
 * it was sent and keeps its sockets, so a test can cut one.
 */
import net from 'node:net';

export interface ScriptedAmi {
  port: number;
  /** Every action name, in the order it arrived. */
  actions: string[];
  sockets: net.Socket[];
  close(): Promise<void>;
}

export async function startScriptedAmi(answer: (action: string, id: string, headers: Map<string, string>) => string): Promise<ScriptedAmi> {
  const actions: string[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const headers = new Map(
          buffered
            .slice(0, end)
            .split('\r\n')
            .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
        );
        buffered = buffered.slice(end + 4);
        const action = headers.get('action') ?? '';
        actions.push(action);
        socket.write(answer(action, headers.get('actionid') ?? '', headers));
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    actions,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
