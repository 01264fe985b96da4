/**
 * Bench child: the naive alternative, as NethVoice's CTI server does it: keep
 * each channel as the merge of every AMI field seen for it, and on every AMI
 * event emit that whole channel object to every client. No batching, no
 * diffing, no event mask. Same AMI client and same socket.io as ours, so the
 * difference is the design alone.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { AmiClient } from '@/lib/ami/client';
import { serve } from './ipc';
import { serverStats } from './server-stats';

const channels = new Map<string, Record<string, string>>();
const http = createServer();
const io = new Server(http, { serveClient: false });
let emitted = 0;

const ami = new AmiClient({ host: '127.0.0.1', port: Number(process.env.PBX_PORT), username: process.env.PBX_USER!, secret: process.env.PBX_SECRET!, events: 'on' });
ami.onEvent((event) => {
  const f = event.fields;
  const uid = f.Uniqueid;
  let payload: Record<string, string> = f;
  if (uid) {
    payload = { ...channels.get(uid), ...f };
    if (f.Event === 'Hangup') channels.delete(uid);
    else channels.set(uid, payload);
  }
  io.emit('event', payload);
  emitted++;
});
let connected = false;
ami.onStatus((s) => (connected = s.state === 'connected'));
ami.start();
io.on('connection', (socket) => socket.emit('hello', { channels: channels.size }));
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
while (!connected) await new Promise((r) => setTimeout(r, 20));

const ipc = serve({
  ...serverStats(() => ({ channels: channels.size, clients: io.of('/').sockets.size, emitted })),
});
process.on('SIGTERM', () => {
  ami.stop();
  io.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});
ipc.ready({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, token: '' });
