/**
 * The system panel over REST, for any logged-in user (as the socket shows
 * every PBX to every user):
 *
 * - `GET /api/system`: every PBX's link and what Asterisk says about itself;
 *   `GET /api/pbx/{id}/system` one PBX's.
 * - `GET /api/endpoints` (`?pbx=ID` for one): the phones of every PBX, as
 *   the caller's view and queue scope may see them; `GET /api/pbx/{id}/endpoints`
 *   one PBX's. Unlike the older paths, `/api/endpoints` means every PBX:
 *   it is new, so no one-PBX client reads it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPbxLive } from '@/lib/pbx/model';
import type { Identity } from '../auth/auth';
import type { PbxRuntime } from '../pbx-registry';
import type { ApiContext } from './api';
import { endpointListing } from './endpoint-list';
import { HttpError, sendJson } from './util';

type Route = [
  method: string,
  path: RegExp,
  handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void> | void,
];

function requireIdentity(ctx: ApiContext, req: IncomingMessage): Identity {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  return identity;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function pbxNamed(ctx: ApiContext, id: string): PbxRuntime {
  const pbx = ctx.pbxs.get(id);
  if (!pbx) throw new HttpError(404, `No PBX "${id.slice(0, 40)}" is configured; GET /api/pbx lists them`);
  return pbx;
}

/** `?pbx=ID`, one PBX; none, every PBX in configured order. */
function pbxsAsked(ctx: ApiContext, req: IncomingMessage): readonly PbxRuntime[] {
  const url = new URL(req.url ?? '/', 'http://x');
  for (const key of url.searchParams.keys()) {
    if (key !== 'pbx') throw new HttpError(400, `Unknown parameter ${key.slice(0, 40)}; use pbx`);
  }
  const id = url.searchParams.get('pbx');
  return id ? [pbxNamed(ctx, id)] : ctx.pbxs.list;
}

function systemOf(pbx: PbxRuntime) {
  const s = pbx.session.state.pbx;
  return {
    id: pbx.id,
    label: pbx.label,
    link: s.link,
    linkSince: s.linkSince,
    lastResync: s.lastResync,
    live: isPbxLive(s),
    warnings: s.warnings,
    version: s.version,
    system: s.system,
    linkEvents: s.linkEvents,
  };
}

function endpointsOf(pbx: PbxRuntime, identity: Identity) {
  const state = pbx.fanout.visibleState(pbx.fanout.viewFor(identity.role), identity.grants.queues);
  return { id: pbx.id, label: pbx.label, live: isPbxLive(pbx.session.state.pbx), ...endpointListing(state) };
}

export const systemRoutes: Route[] = [
  [
    'GET',
    /^\/api\/system$/,
    (ctx, req, res) => {
      requireIdentity(ctx, req);
      sendJson(res, 200, { pbxs: pbxsAsked(ctx, req).map(systemOf) });
    },
  ],
  [
    'GET',
    /^\/api\/pbx\/([^/]+)\/system$/,
    (ctx, req, res, m) => {
      requireIdentity(ctx, req);
      sendJson(res, 200, systemOf(pbxNamed(ctx, decode(m[1]))));
    },
  ],
  [
    'GET',
    /^\/api\/endpoints$/,
    (ctx, req, res) => {
      const identity = requireIdentity(ctx, req);
      sendJson(res, 200, { pbxs: pbxsAsked(ctx, req).map((p) => endpointsOf(p, identity)) });
    },
  ],
  [
    'GET',
    /^\/api\/pbx\/([^/]+)\/endpoints$/,
    (ctx, req, res, m) => {
      const identity = requireIdentity(ctx, req);
      sendJson(res, 200, endpointsOf(pbxNamed(ctx, decode(m[1])), identity));
    },
  ],
];
