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
import { percentile, serve } from './ipc';
import { serverStats } from './server-stats';

const channels = new Map<string, Record<string, string>>();
const http = createServer();
const io = new Server(http, { serveClient: false });
let emitted = 0;
let measuring = false;
/** AMI Timestamp to emit, for Newchannel events (as ours measures channel creations). */
let latencies: number[] = [];

const ami = new AmiClient({
  host: '127.0.0.1',
  port: Number(process.env.PBX_PORT),
  username: process.env.PBX_USER!,
  secret: process.env.PBX_SECRET!,
  events: 'on',
});
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
  if (measuring && f.Event === 'Newchannel' && f.Timestamp) latencies.push(Date.now() - Number(f.Timestamp) * 1000);
});
let connected = false;
ami.onStatus((s) => (connected = s.state === 'connected'));
ami.start();
io.on('connection', (socket) => socket.emit('hello', { channels: channels.size }));
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
while (!connected) await new Promise((r) => setTimeout(r, 20));

const stats = serverStats(() => {
  latencies.sort((a, b) => a - b);
  return {
    channels: channels.size,
    clients: io.of('/').sockets.size,
    emitted,
    emitP50Ms: percentile(latencies, 0.5),
    emitP99Ms: percentile(latencies, 0.99),
  };
});
const ipc = serve({
  ...stats,
  'measure-start': () => {
    stats['measure-start']();
    latencies = [];
    measuring = true;
  },
  'measure-stop': () => {
    measuring = false;
    return stats['measure-stop']();
  },
});
process.on('SIGTERM', () => {
  ami.stop();
  io.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});
ipc.ready({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, token: '' });
