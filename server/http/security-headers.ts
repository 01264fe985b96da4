/**
 * Security headers on every response, set before any handler runs. Pages get
 * a Content-Security-Policy with a fresh nonce; the nonce is also put in the
 * request's own `content-security-policy` header, where Next looks for it to
 * mark its scripts, and in `x-nonce` for app/layout.tsx's inline theme script.
 * Nobody may frame a page, except /wallboard for the ancestors an admin lists.
 * (socket.io answers before this runs; server/realtime/sockets.ts sets nosniff there.)
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SecurityHeaderOptions {
  /** Seconds; 0: no Strict-Transport-Security. */
  hstsMaxAge: number;
  /** CSP frame-ancestors sources allowed to embed /wallboard. */
  wallboardAncestors: readonly string[];
  /** Next's dev server evaluates code and opens its own websocket. */
  dev: boolean;
}

export const NONCE_HEADER = 'x-nonce';

const isWallboard = (pathname: string) => pathname === '/wallboard' || pathname.startsWith('/wallboard/');

export function pageCsp(nonce: string, frameAncestors: string, opts: { dev: boolean; secure: boolean }): string {
  return [
    `default-src 'self'`,
    // 'strict-dynamic': the scripts Next's nonced bootstrap loads are trusted, nothing else.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? ` 'unsafe-eval'` : ''}`,
    // React renders style attributes (sizes computed from the viewport); they cannot carry a nonce.
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors ${frameAncestors}`,
    ...(opts.secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Sets the headers on `res` (and the nonce on `req` for pages). */
export function applySecurityHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  secure: boolean,
  opts: SecurityHeaderOptions,
): void {
  res.setHeader('x-content-type-options', 'nosniff');
  // A wallboard URL once carried its token; no page should tell another site where it was.
  res.setHeader('referrer-policy', 'no-referrer');
  if (secure && opts.hstsMaxAge > 0) res.setHeader('strict-transport-security', `max-age=${opts.hstsMaxAge}`);
  if (pathname === '/api' || pathname.startsWith('/api/')) {
    res.setHeader('content-security-policy', `default-src 'none'; frame-ancestors 'none'`);
    res.setHeader('x-frame-options', 'DENY');
    return;
  }
  const embeddable = isWallboard(pathname) && opts.wallboardAncestors.length > 0;
  const nonce = randomBytes(16).toString('base64');
  const csp = pageCsp(nonce, embeddable ? opts.wallboardAncestors.join(' ') : `'none'`, { dev: opts.dev, secure });
  res.setHeader('content-security-policy', csp);
  // X-Frame-Options cannot name several sites: for an embeddable wallboard, frame-ancestors alone decides.
  if (!embeddable) res.setHeader('x-frame-options', 'DENY');
  req.headers['content-security-policy'] = csp;
  req.headers[NONCE_HEADER] = nonce;
}
