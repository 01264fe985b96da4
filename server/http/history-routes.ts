/**
 * The call history over REST: `GET /api/history` (filters, cursor pages,
 * `?format=csv`: one page with a `limit`, the whole selection streamed without) and `GET /api/history/{id}` (`/api/pbx/{pbx}/history/{id}`
 * for another PBX than the default). Any logged-in user but a wallboard; a
 * user limited to some queues sees only the calls counted in them, and a
 * call outside them is answered as if it did not exist. Masked roles get
 * masked numbers and search names only.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { CallOutcome } from '@/lib/history/record';
import { inScope } from '@/lib/grants';
import type { Identity } from '../auth/auth';
import { csvHeader, csvRows } from '../history/csv';
import { csvExport } from '../history/csv-export';
import { maskRecord } from '../history/mask';
import { primaryQueue } from '../history/rows';
import { HistoryCursorError, type HistoryQuery, type HistoryStore } from '../history/store';
import type { ApiContext } from './api';
import { HttpError, sendJson } from './util';

type Route = [
  method: string,
  path: RegExp,
  handler: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void> | void,
];

const OUTCOMES = [
  'answered',
  'abandoned',
  'missed',
  'busy',
  'failed',
  'transferred',
  'voicemail',
] as const satisfies readonly CallOutcome[];

/** ms since the epoch, or an ISO date (`2026-12-01`, `2026-12-01T08:00:00Z`). */
const instant = z.string().transform((v, ctx) => {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a time: ${v.slice(0, 40)} (ms since the epoch, or an ISO date)` });
    return z.NEVER;
  }
  return ms;
});
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(50));

const historyQuery = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  outcome: list(z.enum(OUTCOMES)).optional(),
  queue: list(z.string().max(200)).optional(),
  direction: z.enum(['internal', 'inbound', 'outbound', 'unknown']).optional(),
  pbx: z.string().max(40).optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(500).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

function requireReader(ctx: ApiContext, req: IncomingMessage): Identity {
  const identity = ctx.auth.fromRequest(req, ctx.now());
  if (!identity) throw new HttpError(401, 'Not logged in (or the token is not valid)');
  if (identity.role === 'wallboard') throw new HttpError(403, 'A wallboard may not read the call history');
  return identity;
}

function requireStore(ctx: ApiContext): HistoryStore {
  if (!ctx.history) throw new HttpError(404, 'The call history is off (CALLBOARD_HISTORY=off)');
  return ctx.history;
}

const masked = (ctx: ApiContext, identity: Identity) => ctx.pbxs.default.fanout.viewFor(identity.role) === 'masked';

async function list_(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const identity = requireReader(ctx, req);
  const store = requireStore(ctx);
  const url = new URL(req.url ?? '/', 'http://x');
  const parsed = historyQuery.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, issue ? `${issue.path.join('.') || 'query'}: ${issue.message}` : 'Bad query');
  }
  const q = parsed.data;
  const mask = masked(ctx, identity);
  const filters = {
    from: q.from,
    to: q.to,
    outcomes: q.outcome,
    queues: q.queue,
    direction: q.direction,
    pbx: q.pbx,
    text: q.q,
    textIn: mask ? ('names' as const) : ('all' as const),
    scope: identity.grants.queues,
  };
  // A CSV without a limit is the whole selection, streamed a page at a time: the export a person asks for.
  if (q.format === 'csv' && q.limit === undefined) return streamCsv(store, filters, q.cursor, mask, res);
  let page;
  try {
    page = await store.query({ ...filters, limit: q.limit, cursor: q.cursor });
  } catch (err) {
    if (err instanceof HistoryCursorError) throw new HttpError(400, `cursor: ${err.message}`);
    throw err;
  }
  const records = mask ? page.records.map(maskRecord) : page.records;
  if (q.format === 'csv') {
    res.writeHead(200, {
      ...CSV_HEADERS,
      ...(page.next ? { 'x-next-cursor': page.next } : {}),
    });
    res.end(csvHeader() + csvRows(records));
    return;
  }
  sendJson(res, 200, { calls: records, next: page.next });
}

const CSV_HEADERS = {
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': 'attachment; filename="calls.csv"',
  'cache-control': 'no-store',
} as const;
/**
 * The export, written as the client reads it; a client that goes away stops
 * the reading. The first page is read before the headers, so a bad cursor
 * is still a 400; a database failure later can only cut the download short.
 */
async function streamCsv(
  store: HistoryStore,
  filters: Omit<HistoryQuery, 'limit' | 'cursor'>,
  cursor: string | undefined,
  mask: boolean,
  res: ServerResponse,
): Promise<void> {
  const chunks = csvExport(store, filters, { cursor, mask });
  let next;
  try {
    next = await chunks.next();
  } catch (err) {
    if (err instanceof HistoryCursorError) throw new HttpError(400, `cursor: ${err.message}`);
    throw err;
  }
  res.writeHead(200, CSV_HEADERS);
  let gone = false;
  res.once('close', () => (gone = true));
  try {
    for (; !next.done && !gone; next = await chunks.next()) {
      if (!res.write(next.value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    await chunks.return(undefined);
  }
}

async function one(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const identity = requireReader(ctx, req);
  const store = requireStore(ctx);
  const pbx = m[1] === undefined ? ctx.pbxs.default.id : decode(m[1]);
  const id = decode(m[2]);
  const record = await store.get(pbx, id);
  // Outside the user's queues is the same answer as absent: a call's existence does not leak.
  if (!record || (identity.grants.queues !== null && !inScope(identity.grants, primaryQueue(record))))
    throw new HttpError(404, `No call ${id.slice(0, 60)} in the history of PBX ${pbx.slice(0, 40)}`);
  sendJson(res, 200, masked(ctx, identity) ? maskRecord(record) : record);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'Bad percent-encoding in the path');
  }
}

export const historyRoutes: Route[] = [
  ['GET', /^\/api\/history$/, list_],
  ['GET', /^\/api(?:\/pbx\/([^/]+))?\/history\/([^/]+)$/, one],
];
