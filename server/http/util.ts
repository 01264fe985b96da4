/** Small HTTP helpers: JSON in with a size limit, JSON out, and the caller's address and origin. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { knownRequestInfo, resolveRequestInfo } from '../auth/request-info';

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Machine codes of REST errors. Every REST error answers
 * `{"error": "<a sentence for a person>", "code": "<one of these>"}`.
 */
export type ErrorCode =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'too-large'
  | 'rate-limited'
  | 'link-down'
  | 'timeout'
  | 'ami'
  | 'unavailable'
  | 'internal';

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'too-large',
  429: 'rate-limited',
  503: 'link-down',
  504: 'timeout',
};

export function codeForStatus(status: number): ErrorCode {
  return CODE_OF_STATUS[status] ?? (status >= 500 ? 'internal' : 'invalid');
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: ErrorCode = codeForStatus(status),
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

function sendJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string | string[]> = {}): void {
  sendJsonBytes(res, status, [Buffer.from(text)], headers);
}

/** JSON already encoded, in parts: a body serialised once can be sent many times without copying it. */
export function sendJsonBytes(
  res: ServerResponse,
  status: number,
  parts: readonly Buffer[],
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': parts.reduce((n, p) => n + p.length, 0),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  for (const part of parts.slice(0, -1)) res.write(part);
  res.end(parts.at(-1));
}

/** The one REST error shape: `{error, code}`. The code follows from the status unless given. */
export function sendError(
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
  code: ErrorCode = codeForStatus(status),
): void {
  sendJson(res, status, { error, code }, headers);
}

/**
 * Reads a JSON body of at most `limit` bytes; a clear HttpError otherwise.
 * An oversized body is not read on, and the request is not destroyed: the
 * 413 must still reach the client, so the connection closes after it.
 */
export async function readJson(req: IncomingMessage, opts: { limit?: number; optional?: boolean } = {}): Promise<unknown> {
  const limit = opts.limit ?? MAX_BODY_BYTES;
  const type = req.headers['content-type'] ?? '';
  // An action that needs no fields may be posted with no body at all.
  if (opts.optional && !type && !Number(req.headers['content-length']) && req.headers['transfer-encoding'] === undefined) return undefined;
  if (!/^application\/json\b/i.test(type)) throw new HttpError(400, 'Send the body as JSON (Content-Type: application/json)');
  const tooLarge = () => new HttpError(413, `Body larger than ${limit} bytes`, 'too-large', { connection: 'close' });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.pause();
      done(tooLarge());
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(new HttpError(400, `The request body could not be read (${err.message})`));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
  if (!text) throw new HttpError(400, 'Empty body; expected JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Body is not valid JSON');
  }
}

/**
 * The client's address: behind a trusted proxy, the one it reports. server/app.ts resolves it
 * first thing (server/auth/request-info.ts), while the socket is still there to ask; a request
 * that did not come through it is resolved here, trusting no proxy.
 */
export function clientAddress(req: IncomingMessage): string {
  return (knownRequestInfo(req) ?? resolveRequestInfo(req, null)).address;
}

/**
 * Whether a browser request comes from our own pages: no Origin at all (not a
 * browser, or a same-origin GET), or an Origin whose host is the Host asked
 * for, or one configured as allowed.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
