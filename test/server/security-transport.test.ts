/**
 * TLS, served directly or by a trusted proxy: the cookie is Secure and HSTS
 * is sent only when the request really came over TLS; X-Forwarded-* is
 * believed only from the proxies in the config; a login from another machine
 * over plain HTTP is flagged (log and login page).
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@/server/log';
import { json, startStack, type Stack, socketAnswer } from './harness';

const CERT = path.resolve('test/ami/fixtures/localhost-cert.pem');
const KEY = path.resolve('test/ami/fixtures/localhost-key.pem');
const ca = fs.readFileSync(CERT, 'utf8');

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

let proxied: Stack;
let untrusted: Stack;
let tls: Stack;
beforeAll(async () => {
  [proxied, untrusted, tls] = await Promise.all([
    startStack({
      env: { CALLBOARD_TRUSTED_PROXIES: '10.9.0.0/16, 127.0.0.1' },
      app: { log: createLogger('info', { stream: logSink, pretty: false }) },
    }),
    startStack({ env: { CALLBOARD_TRUSTED_PROXIES: '10.1.2.3' } }),
    startStack({ env: { CALLBOARD_TLS_CERT: CERT, CALLBOARD_TLS_KEY: KEY } }),
  ]);
});
afterAll(async () => {
  await Promise.all([proxied?.close(), untrusted?.close(), tls?.close()]);
});

const loginAs = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'viewer', password: 'viewer' }),
  });

describe('a trusted proxy', () => {
  it('is believed about https: Secure cookie and HSTS', async () => {
    const res = await loginAs(proxied.url, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=15552000');
    const page = await fetch(`${proxied.url}/login`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(page.headers.get('strict-transport-security')).toBe('max-age=15552000');
    expect(page.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    const info = await json(
      await fetch(`${proxied.url}/api/login-info`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' } }),
    );
    expect(info.insecure).toBe(false);
  });

  it('reports the client behind it, past other trusted hops; plain HTTP from another machine is flagged', async () => {
    const headers = { 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.9, 10.9.4.4' };
    expect((await json(await fetch(`${proxied.url}/api/login-info`, { headers }))).insecure).toBe(true);
    const res = await loginAs(proxied.url, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).not.toMatch(/Secure/);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const warning = logLines.map((l) => JSON.parse(l)).find((l) => l.level === 40 && /plain HTTP/.test(l.msg));
    expect(warning).toMatchObject({ address: '203.0.113.9', user: 'viewer' });
    // The client's own address is what the login throttle counts: a spoofed hop left of it changes nothing.
    for (let i = 0; i < 25; i++) {
      await fetch(`${proxied.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `1.2.3.${i}, 203.0.113.50` },
        body: JSON.stringify({ username: `nobody${i}`, password: 'x' }),
      });
    }
    const throttled = await loginAs(proxied.url, { 'x-forwarded-for': '203.0.113.50' });
    expect(throttled.status).toBe(429);
    expect((await loginAs(proxied.url, { 'x-forwarded-for': '203.0.113.51' })).status).toBe(200);
    // And a loopback client over plain HTTP is no risk: no warning on its page.
    expect((await json(await fetch(`${proxied.url}/api/login-info`))).insecure).toBe(false);
  });
});

describe('an untrusted peer', () => {
  it('is not believed: no Secure cookie, no HSTS, and its X-Forwarded-For is ignored', async () => {
    const res = await loginAs(untrusted.url, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).not.toMatch(/Secure/);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect((await json(await fetch(`${untrusted.url}/api/login-info`, { headers: { 'x-forwarded-for': '203.0.113.9' } }))).insecure).toBe(
      false,
    );
    // Claiming fresh addresses does not escape the throttle either: all of it is 127.0.0.1.
    for (let i = 0; i < 25; i++) {
      await fetch(`${untrusted.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `1.2.3.${i}` },
        body: JSON.stringify({ username: `nobody${i}`, password: 'x' }),
      });
    }
    expect((await loginAs(untrusted.url, { 'x-forwarded-for': '203.0.113.77' })).status).toBe(429);
  });

  it('is refused at start when the list is not addresses', async () => {
    const { loadConfig } = await import('@/server/config');
    expect(() => loadConfig({ CALLBOARD_TRUSTED_PROXIES: 'proxy.example.com' })).toThrow(
      /CALLBOARD_TRUSTED_PROXIES: "proxy.example.com" is not an IP address/,
    );
    expect(() => loadConfig({ CALLBOARD_TLS_CERT: CERT })).toThrow(/CALLBOARD_TLS_KEY: required/);
    expect(() => loadConfig({ CALLBOARD_TLS_CERT: '/nonexistent.pem', CALLBOARD_TLS_KEY: KEY })).toThrow(
      /CALLBOARD_TLS_CERT: cannot read \/nonexistent.pem \(ENOENT\)/,
    );
  });
});

function httpsRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('HTTPS served directly', () => {
  it('serves the API and sockets over TLS, with a Secure cookie and HSTS', async () => {
    const url = tls.url.replace('http:', 'https:');
    const res = await httpsRequest(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer', password: 'viewer' }),
    });
    expect(res.status).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^cb_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
    expect(res.headers['strict-transport-security']).toBe('max-age=15552000');
    const cookie = setCookie.split(';')[0];
    const answer = await socketAnswer(url, { cookie, ca });
    expect(answer).toBe('connected');
    // Plain HTTP on the TLS port is not served.
    await expect(fetch(`${tls.url}/api/health`)).rejects.toThrow();
  });
});
