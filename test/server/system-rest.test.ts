/**
 * /api/system and /api/endpoints over real HTTP against demo PBXs: logged-in
 * users only, every PBX or one, the figures the session holds, and phones as
 * the caller's view may see them with the header's counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneCounts } from '@/lib/ui/phones';
import type { PbxSystem } from '@/lib/pbx/model';
import { json, login, startMultiStack, waitFor, type MultiStack } from './harness';

let stack: MultiStack;
let cookie: string;
beforeAll(async () => {
  stack = await startMultiStack([7, 8]);
  await waitFor(() => stack.app.pbxs.list.every((p) => p.session.state.pbx.system.checkedAt > 0), 'CoreStatus on both');
  cookie = await login(stack.url, 'viewer', 'viewer');
});
afterAll(async () => {
  await stack?.close();
});

const get = (path: string, headers: Record<string, string> = { cookie }) => fetch(`${stack.url}${path}`, { headers });

interface SystemEntry {
  id: string;
  label: string;
  link: string;
  live: boolean;
  linkSince: number;
  lastResync: number;
  warnings: string[];
  version: string;
  system: PbxSystem;
  linkEvents: { perSec: number; total: number };
}

describe('GET /api/system', () => {
  it('lists every PBX with its link and what Asterisk said about itself', async () => {
    const res = await get('/api/system');
    expect(res.status).toBe(200);
    const { pbxs } = (await json(res)) as { pbxs: SystemEntry[] };
    expect(pbxs.map((p) => p.id)).toEqual(['a', 'b']);
    for (const p of pbxs) {
      const state = stack.app.pbxs.get(p.id)!.session.state.pbx;
      expect(p).toMatchObject({
        link: 'connected',
        live: true,
        linkSince: state.linkSince,
        lastResync: state.lastResync,
        version: '22.8.2',
      });
      expect(p.system).toMatchObject({
        asteriskVersion: '22.8.2',
        amiVersion: '11.0.0',
        maxCalls: 5000,
        utcOffsetKnown: true,
        refused: '',
      });
      // The demo booted just now, in this process's zone, which FullyBooted let the server infer.
      expect(p.system.utcOffsetMin).toBe(-new Date().getTimezoneOffset() || 0);
      expect(Math.abs(p.system.startedAt - p.system.bootedAt)).toBeLessThan(2000);
      expect(p.system.checkMs).toBe(60_000);
    }
  });

  it('one PBX by ?pbx= or by its path; 401 without a login, 404 for a PBX nobody configured, 400 for another parameter', async () => {
    const one = (await json(await get('/api/system?pbx=b'))) as { pbxs: SystemEntry[] };
    expect(one.pbxs.map((p) => p.id)).toEqual(['b']);
    expect(((await json(await get('/api/pbx/a/system'))) as unknown as SystemEntry).id).toBe('a');
    expect((await get('/api/system', {})).status).toBe(401);
    expect((await get('/api/endpoints', {})).status).toBe(401);
    const missing = await get('/api/system?pbx=zz');
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ error: expect.stringContaining('No PBX "zz"') });
    expect((await get('/api/pbx/zz/endpoints')).status).toBe(404);
    expect((await get('/api/endpoints?pbxs=a')).status).toBe(400);
  });
});

interface EndpointsEntry {
  id: string;
  live: boolean;
  counts: ReturnType<typeof phoneCounts>;
  endpoints: {
    id: string;
    deviceState: string;
    registered: boolean;
    reachable: boolean;
    contacts: { uri: string; status: string; userAgent: string; rttUsec: number; expiresAt: number; viaAddr: string; static: boolean }[];
    hints: { id: string; state: string; status: number }[];
  }[];
}

describe('GET /api/endpoints', () => {
  it("lists each PBX's phones with contacts, device state, hints, and the header's counts", async () => {
    const { pbxs } = (await json(await get('/api/endpoints'))) as { pbxs: EndpointsEntry[] };
    expect(pbxs.map((p) => p.id)).toEqual(['a', 'b']);
    for (const p of pbxs) {
      const state = stack.app.pbxs.get(p.id)!.session.state;
      expect(p.endpoints.map((e) => e.id).sort()).toEqual(Object.keys(state.endpoints).sort());
      expect(p.counts.total).toBe(p.endpoints.length);
      expect(p.counts.reachable).toBe(p.endpoints.filter((e) => e.reachable).length);
      expect(p.counts.registered).toBe(p.endpoints.filter((e) => e.registered).length);
      // The lobby phone (209): a static contact that never answers its qualify.
      const lobby = p.endpoints.find((e) => e.id === 'PJSIP/209')!;
      expect(lobby).toMatchObject({ registered: false, reachable: false });
      expect(lobby.contacts).toEqual([expect.objectContaining({ static: true, expiresAt: 0 })]);
      const registered = p.endpoints.find((e) => e.registered)!;
      expect(registered.contacts[0]).toMatchObject({ static: false, uri: expect.stringMatching(/^sip:/), viaAddr: expect.any(String) });
      expect(registered.contacts[0].expiresAt).toBeGreaterThan(0);
      expect(registered.hints[0]).toMatchObject({ id: `${registered.id.slice('PJSIP/'.length)}@internal`, status: expect.any(Number) });
    }
    const now = phoneCounts(stack.app.pbxs.get('a')!.session.state);
    const one = (await json(await get('/api/pbx/a/endpoints'))) as unknown as EndpointsEntry;
    // Registrations churn, so the totals agree, and the rest are counted the same way.
    expect(one.counts.total).toBe(now.total);
  });

  it('a wallboard sees no phones', async () => {
    const { token } = stack.app.auth.store.createToken('lobby', 'wallboard');
    const { pbxs } = (await json(await get('/api/endpoints', { authorization: `Bearer ${token}` }))) as { pbxs: EndpointsEntry[] };
    expect(pbxs.map((p) => [p.id, p.endpoints.length, p.counts.total])).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
  });
});
