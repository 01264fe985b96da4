/**
 * One POST of a webhook body over node:http(s), answering with the status,
 * the start of the body and Retry-After. Each attempt has its own
 * connection (no pool), so an attempt aborted on its timeout takes its socket
 * with it and no later attempt can wait behind it; the body read stops at
 * 4 KB, so an endpoint that answers with a download costs nothing.
 */
import http from 'node:http';
import https from 'node:https';

export interface PostAnswer {
  status: number;
  body: string;
  retryAfter: string | null;
}

/** The most of a response body read: enough for the delivery log's answer, and never a large download. */
const READ_BYTES = 4096;

export type Poster = (url: string, headers: Record<string, string>, body: string, signal: AbortSignal) => Promise<PostAnswer>;

export const postOnce: Poster = (url, headers, body, signal) =>
  new Promise<PostAnswer>((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body, 'utf8');
    // No agent: one connection per attempt, so no attempt can wait behind another's socket.
    const req = lib.request(target, {
      method: 'POST',
      agent: false,
      signal,
      headers: { ...headers, 'content-length': String(payload.byteLength), connection: 'close' },
    });
    req.on('error', (err) => reject(signal.aborted && signal.reason instanceof Error ? signal.reason : err));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        });
      };
      res.on('data', (c: Buffer) => {
        if (size >= READ_BYTES) return;
        chunks.push(c);
        size += c.byteLength;
        if (size >= READ_BYTES) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (err) => reject(signal.aborted && signal.reason instanceof Error ? signal.reason : err));
    });
    req.end(payload);
  });
