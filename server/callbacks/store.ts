/**
 * Calls to call back, kept in the history's database (table `callbacks`,
 * migration 0002_callbacks): `apply` folds stored call records in by the
 * rule of lib/history/callbacks.ts; people mark them done and ring them
 * back through the REST routes. Listeners hear every change, so today's
 * "callbacks still owed" can follow without polling.
 */
import { readCursor as readKey, writeCursor } from '../history/cursor';
import { sql, type Kysely, type SqlBool } from 'kysely';
import { changesFor, foldChanges, numbersOf, type Callback, type CallbackState } from '@/lib/history/callbacks';
import type { CallRecord } from '@/lib/history/record';
import type { HistoryStore } from '../history/store';
import type { HistoryDb } from '../history/schema';
import { fromRow, toRow } from './rows';
import type { CallbacksDb } from './schema';

const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;

export interface CallbackQuery {
  state: CallbackState;
  pbx?: string;
  queues?: readonly string[];
  /** A scoped user's queues; null or absent: every callback. */
  scope?: readonly string[] | null;
  /** Done at or after (ms); for "done today". */
  since?: number;
  limit?: number;
  cursor?: string;
}

export interface CallbackPage {
  /** Open: oldest first (who has waited longest); done: newest first. */
  callbacks: Callback[];
  next: string | null;
}

export type DoneResult =
  { ok: true; callback: Callback } | { ok: false; reason: 'absent' } | { ok: false; reason: 'done'; callback: Callback };

export type ReopenResult =
  | { ok: true; callback: Callback }
  | { ok: false; reason: 'absent' }
  | { ok: false; reason: 'open' | 'auto' | 'owed-again'; callback: Callback };

export class CallbackCursorError extends Error {
  override name = 'CallbackCursorError';
}

export interface CallbackChangeEvent {
  pbx: string;
}

export class CallbackStore {
  private readonly db: Kysely<HistoryDb & CallbacksDb>;
  private readonly listeners = new Set<(change: CallbackChangeEvent) => void>();

  constructor(
    history: HistoryStore,
    private readonly opts: { onListenerError?: (err: unknown) => void } = {},
  ) {
    this.db = history.db.withTables<CallbacksDb>();
  }

  /** Called after every change (a batch applied, a Done, a call back); with the PBX it was on. */
  onChange(listener: (change: CallbackChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(pbxs: Iterable<string>): void {
    for (const pbx of new Set(pbxs))
      for (const listener of this.listeners) {
        try {
          listener({ pbx });
        } catch (err) {
          this.opts.onListenerError?.(err);
        }
      }
  }

  /** Folds a batch of stored records in, in their order, in one transaction; returns how many callbacks changed. */
  async apply(records: readonly CallRecord[]): Promise<number> {
    const wanted = new Map<string, Set<string>>();
    for (const r of records) {
      const numbers = numbersOf(r);
      if (numbers.length === 0) continue;
      let set = wanted.get(r.pbx);
      if (!set) wanted.set(r.pbx, (set = new Set()));
      for (const n of numbers) set.add(n);
    }
    if (wanted.size === 0) return 0;
    const changed = await this.db.transaction().execute(async (trx) => {
      const open = new Map<string, Map<string, Callback>>();
      for (const [pbx, numbers] of wanted) {
        const rows = await trx
          .selectFrom('callbacks')
          .selectAll()
          .where('pbx', '=', pbx)
          .where('state', '=', 'open')
          .where('number', 'in', [...numbers])
          .execute();
        open.set(pbx, new Map(rows.map((row) => [row.number, fromRow(row)])));
      }
      // The last state of each callback the batch touched, and whether it is new.
      const writes = new Map<string, { insert: boolean; callback: Callback }>();
      for (const r of records) {
        const byNumber = open.get(r.pbx);
        if (!byNumber) continue;
        const changes = changesFor(byNumber, r);
        foldChanges(byNumber, changes);
        for (const c of changes) {
          const key = `${c.callback.pbx}\n${c.callback.id}`;
          writes.set(key, { insert: c.kind === 'insert' || writes.get(key)?.insert === true, callback: c.callback });
        }
      }
      for (const { insert, callback } of writes.values()) {
        if (insert)
          await trx
            .insertInto('callbacks')
            .values(toRow(callback))
            .onConflict((oc) => oc.columns(['pbx', 'id']).doNothing())
            .execute();
        else {
          const { pbx, id, ...rest } = toRow(callback);
          await trx.updateTable('callbacks').set(rest).where('pbx', '=', pbx).where('id', '=', id).execute();
        }
      }
      return [...writes.values()].map((w) => w.callback.pbx);
    });
    if (changed.length > 0) this.emit(changed);
    return changed.length;
  }

  async get(pbx: string, id: string): Promise<Callback | undefined> {
    const row = await this.db.selectFrom('callbacks').selectAll().where('pbx', '=', pbx).where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(q: CallbackQuery): Promise<CallbackPage> {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(q.limit ?? DEFAULT_PAGE)));
    const after = q.cursor === undefined ? undefined : readCursor(q.cursor);
    const at = q.state === 'open' ? 'first_at' : 'done_at';
    let query = this.db.selectFrom('callbacks').selectAll().where('state', '=', q.state);
    if (q.pbx) query = query.where('pbx', '=', q.pbx);
    if (q.queues?.length) query = query.where('queue', 'in', [...q.queues]);
    if (q.scope) query = q.scope.length ? query.where('queue', 'in', [...q.scope]) : query.where(sql<SqlBool>`1 = 0`);
    if (q.since !== undefined) query = query.where('done_at', '>=', q.since);
    if (after) {
      const cmp = q.state === 'open' ? '>' : '<';
      query = query.where((eb) => eb.or([eb(at, cmp, after.at), eb.and([eb(at, '=', after.at), eb('id', cmp, after.id)])]));
    }
    const dir = q.state === 'open' ? 'asc' : 'desc';
    const rows = await query
      .orderBy(at, dir)
      .orderBy('id', dir)
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const page = (more ? rows.slice(0, limit) : rows).map(fromRow);
    const last = page[page.length - 1];
    const lastAt = last && (q.state === 'open' ? last.firstAt : (last.doneAt ?? 0));
    return { callbacks: page, next: more && last ? writeCursor(lastAt, last.id) : null };
  }

  /** Marks it done by a person; a second Done is refused (it says who got there first). */
  async markDone(pbx: string, id: string, who: string, at: number): Promise<DoneResult> {
    const result = await this.db
      .updateTable('callbacks')
      .set({ state: 'done', done_by: who, done_at: at, done_how: 'user', done_call_id: null })
      .where('pbx', '=', pbx)
      .where('id', '=', id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    const callback = await this.get(pbx, id);
    if (!callback) return { ok: false, reason: 'absent' };
    if (Number(result.numUpdatedRows) === 0) return { ok: false, reason: 'done', callback };
    this.emit([pbx]);
    return { ok: true, callback };
  }

  /**
   * Undoes a person's Done (the Undo beside it): open again, as it was. Not an
   * automatic close (that call was answered), and not when the caller has
   * been owed a new callback since (one open row per caller).
   */
  async reopen(pbx: string, id: string): Promise<ReopenResult> {
    const result = await this.db.transaction().execute(async (trx): Promise<ReopenResult> => {
      const row = await trx.selectFrom('callbacks').selectAll().where('pbx', '=', pbx).where('id', '=', id).executeTakeFirst();
      if (!row) return { ok: false, reason: 'absent' };
      const callback = fromRow(row);
      if (callback.state === 'open') return { ok: false, reason: 'open', callback };
      if (callback.doneHow !== 'user') return { ok: false, reason: 'auto', callback };
      const newer = await trx
        .selectFrom('callbacks')
        .select('id')
        .where('pbx', '=', pbx)
        .where('number', '=', callback.number)
        .where('state', '=', 'open')
        .executeTakeFirst();
      if (newer) return { ok: false, reason: 'owed-again', callback };
      await trx
        .updateTable('callbacks')
        .set({ state: 'open', done_by: null, done_at: null, done_how: null, done_call_id: null })
        .where('pbx', '=', pbx)
        .where('id', '=', id)
        .execute();
      return { ok: true, callback: { ...callback, state: 'open', doneBy: null, doneAt: null, doneHow: null, doneCallId: null } };
    });
    if (result.ok) this.emit([pbx]);
    return result;
  }

  /** Notes that someone rang the caller back through Callboard (the call itself is the runner's, audited there). */
  async noteCall(pbx: string, id: string, who: string, at: number): Promise<Callback | undefined> {
    await this.db
      .updateTable('callbacks')
      .set((eb) => ({ called_by: who, called_at: at, calls: eb('calls', '+', 1) }))
      .where('pbx', '=', pbx)
      .where('id', '=', id)
      .execute();
    const callback = await this.get(pbx, id);
    if (callback) this.emit([pbx]);
    return callback;
  }

  /** Open callbacks per queue of one PBX ('' for those that queued nowhere): today's "callbacks still owed". */
  async owedByQueue(pbx: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('callbacks')
      .select(['queue', (eb) => eb.fn.countAll().as('n')])
      .where('pbx', '=', pbx)
      .where('state', '=', 'open')
      .groupBy('queue')
      .execute();
    return new Map(rows.map((r) => [r.queue, Number(r.n)]));
  }
}

function readCursor(cursor: string): { at: number; id: string } {
  const key = readKey(cursor);
  if (!key) throw new CallbackCursorError('not a cursor this server gave');
  return key;
}
