/**
 * An oversized chunked body (no Content-Length to refuse it by) over a real
 * TCP connection: the client must hear 413, the attempt must be audited, and
 * the server must log no error.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@/server/log';
import { login, startStack, type Stack } from './harness';

const records: { level: number; msg: string }[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) records.push(JSON.parse(line) as { level: number; msg: string });
    done();
  },
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ app: { log: createLogger('info', { stream: sink, pretty: false }) } });
});
afterAll(async () => {
  await stack?.close();
});

/** Sends a request head and chunks over a raw socket; resolves with everything the server wrote back until it closed. */
function rawRequest(port: number, head: string, chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
    socket.on('connect', () => {
      socket.write(head);
      for (const c of chunks) socket.write(`${c.length.toString(16)}\r\n${c}\r\n`);
      // No last chunk: a hostile client would keep sending; the server must not wait for the end.
    });
  });
}

describe('an oversized chunked body', () => {
  it('gets 413, is audited, and logs no error', async () => {
    const cookie = await login(stack.url, 'supervisor', 'supervisor');
    const port = Number(new URL(stack.url).port);
    const head = [
      'POST /api/originate HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Content-Type: application/json',
      'Transfer-Encoding: chunked',
      `Cookie: ${cookie}`,
      '',
      '',
    ].join('\r\n');
    const chunks = ['{"from": "101", "to": "102", "callerId": "', ...Array.from({ length: 6 }, () => 'x'.repeat(4096))];
    const answer = await rawRequest(port, head, chunks);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(body).toEqual({ error: 'Body larger than 16384 bytes', code: 'too-large' });

    const last = (await stack.app.audit.tail(1))[0];
    expect(last).toMatchObject({ who: 'supervisor', action: 'originate', result: 'invalid', message: 'Body larger than 16384 bytes' });
    expect(last.address).toMatch(/127\.0\.0\.1/);
    expect(records.filter((r) => r.level >= 50)).toEqual([]);
  });

  it('leaves the server serving the next request', async () => {
    expect((await fetch(`${stack.url}/api/health`)).status).toBe(200);
  });
});
