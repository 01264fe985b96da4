/**
 * Where a request really comes from and whether it came over TLS. A peer
 * named in CALLBOARD_TRUSTED_PROXIES is believed about X-Forwarded-For and
 * X-Forwarded-Proto; anyone else's headers are ignored, so a client cannot
 * claim another address (to dodge the login throttle) or claim TLS.
 */
import type { IncomingMessage } from 'node:http';
import net from 'node:net';

export interface RequestInfo {
  /** The client's address: the peer's, or for a trusted proxy the first untrusted hop it reports. */
  address: string;
  /** TLS on our own socket, or a trusted proxy saying the client used https. */
  secure: boolean;
  /** The client is on this machine (plain HTTP is then no risk). */
  loopback: boolean;
}

/** `10.0.0.5, 192.168.0.0/16, ::1`: addresses and CIDR ranges; throws on anything else. */
export function parseTrustedProxies(text: string): net.BlockList | null {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!entries.length) return null;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [ip, bits, extra] = entry.split('/');
    const family = net.isIP(ip);
    if (!family || extra !== undefined) throw new Error(`"${entry.slice(0, 60)}" is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(ip, type);
    else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`"${entry.slice(0, 60)}" has a bad prefix length`);
      list.addSubnet(ip, prefix, type);
    }
  }
  return list;
}

/** `::ffff:10.0.0.1` is 10.0.0.1. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

function trustedBy(list: net.BlockList | null, address: string): boolean {
  if (!list) return false;
  const family = net.isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function isLoopback(address: string): boolean {
  const a = plain(address);
  return a === '::1' || /^127\./.test(a);
}

const known = new WeakMap<IncomingMessage, RequestInfo>();

function lastValue(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  return text
    ?.split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .at(-1);
}

export function resolveRequestInfo(req: IncomingMessage, trusted: net.BlockList | null): RequestInfo {
  const cached = known.get(req);
  if (cached) return cached;
  const peer = plain(req.socket?.remoteAddress ?? 'unknown');
  let address = peer;
  let secure = Boolean((req.socket as { encrypted?: boolean } | undefined)?.encrypted);
  if (trustedBy(trusted, peer)) {
    // Walk X-Forwarded-For from the right past our own proxies: the first hop we don't run is the client.
    const raw = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
      .split(',')
      .map((h) => plain(h.trim()))
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!net.isIP(hops[i])) break;
      address = hops[i];
      if (!trustedBy(trusted, hops[i])) break;
    }
    // The nearest proxy's word: with `proxy_set_header` it is the only value anyway.
    const proto = lastValue(req.headers['x-forwarded-proto'])?.toLowerCase();
    if (proto === 'https') secure = true;
    else if (proto === 'http') secure = false;
  }
  const info = { address, secure, loopback: isLoopback(address) };
  known.set(req, info);
  return info;
}

/** What resolveRequestInfo found for this request, once it ran (the server runs it first thing). */
export function knownRequestInfo(req: IncomingMessage): RequestInfo | undefined {
  return known.get(req);
}
