import { createServer } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
const dev = process.env.NODE_ENV !== 'production';

const app = next({ dev, hostname: host, port });
const handle = app.getRequestHandler();

await app.prepare();
const httpServer = createServer((req, res) => {
  if (req.url === '/api/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
    return;
  }
  void handle(req, res);
});
new Server(httpServer);
httpServer.listen(port, host, () => {
  console.log(`Callboard on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
});
