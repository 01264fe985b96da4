/**
 * Signing a JSON webhook's body, so its receiver can tell it came from us and
 * was not replayed: `X-Callboard-Timestamp` (Unix seconds) and
 * `X-Callboard-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`
 * keyed with the webhook's secret. A receiver recomputes it over the raw
 * body, compares in constant time, and refuses a timestamp more than a few
 * minutes old.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Callboard-Timestamp';
export const SIGNATURE_HEADER = 'X-Callboard-Signature';

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function signedHeaders(secret: string, nowMs: number, body: string): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(secret, timestamp, body) };
}

/** What a receiver does (and what the tests check with): true when the signature is ours and fresh. */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowMs: number,
  toleranceSeconds = 300,
): boolean {
  const { timestamp, signature: given } = headers;
  if (!timestamp || !given || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const want = Buffer.from(signature(secret, timestamp, body));
  const got = Buffer.from(given);
  return want.length === got.length && timingSafeEqual(want, got);
}
