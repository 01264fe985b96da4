/**
 * Calls to call back: which stored calls leave a caller owed a call, and
 * which close what is owed. Pure, so the rule is tested without a database;
 * server/callbacks/store.ts keeps the rows and applies `changesFor`.
 *
 * One open callback per (PBX, number): a caller who tries again while one
 * is open bumps it rather than adding a row, so the list is people, not
 * attempts.
 */
import type { CallRecord } from './record';

export type CallbackState = 'open' | 'done';
/** `user`: someone marked it done; `auto`: a later answered call with that number closed it. */
export type CallbackDoneHow = 'user' | 'auto';

export interface Callback {
  pbx: string;
  /** The first unanswered call's id (its Linkedid): the callback's own id. */
  id: string;
  /** The caller's number as dialled back: separators removed. */
  number: string;
  name: string;
  /** The queue the first call was counted in ('' when it queued nowhere). */
  queue: string;
  /** When the first and the latest unanswered call ended, ms. */
  firstAt: number;
  lastAt: number;
  /** Unanswered calls from this number while it was open. */
  attempts: number;
  lastCallId: string;
  state: CallbackState;
  doneBy: string | null;
  doneAt: number | null;
  doneHow: CallbackDoneHow | null;
  /** The answered call that closed it (`auto`). */
  doneCallId: string | null;
  /** Who last rang the caller back through Callboard, and when. */
  calledBy: string | null;
  calledAt: number | null;
  calls: number;
}

export type CallbackChange = { kind: 'insert'; callback: Callback } | { kind: 'update'; callback: Callback };

const OWED: ReadonlySet<string> = new Set(['abandoned', 'missed']);
const REACHED: ReadonlySet<string> = new Set(['answered', 'transferred']);
/** Separators people and PBXs put in numbers; nothing else is dropped. */
const SEPARATORS = /[\s().-]/g;
/** What the originate action dials (lib/actions.ts dialNumberSchema), and at least two digits: `0` or `s` is no caller. */
const DIALLABLE = /^\+?[0-9]{2,31}$/;

/** The number to ring back, or null when there is none to ring (anonymous, withheld, a name, empty). */
export function callbackNumber(num: string): string | null {
  const n = num.replace(SEPARATORS, '');
  return DIALLABLE.test(n) ? n : null;
}

/** A caller from outside: an inbound call, or any call that queued (a queue is where customers wait). */
const fromCaller = (r: CallRecord): boolean => r.direction === 'inbound' || r.queues.length > 0;

/** The queue a report counts an unanswered call in: the last it joined. */
const queueOf = (r: CallRecord): string => r.agent?.queue ?? r.queues[r.queues.length - 1] ?? '';

/** What the record leaves owed: a caller's unanswered call with a number to ring. */
export function owedBy(r: CallRecord): { number: string; name: string; queue: string } | null {
  if (!OWED.has(r.outcome) || !fromCaller(r)) return null;
  const number = callbackNumber(r.from.num);
  return number === null ? null : { number, name: r.from.name.trim(), queue: queueOf(r) };
}

/**
 * The numbers an answered record reached: the caller of an inbound or queue
 * call, the callee of a call we placed (outbound, or internal: the demo's
 * and a lab's "outside" numbers are extensions).
 */
export function reachedBy(r: CallRecord): string[] {
  if (!REACHED.has(r.outcome)) return [];
  const out = new Set<string>();
  const caller = fromCaller(r) ? callbackNumber(r.from.num) : null;
  if (caller !== null) out.add(caller);
  const callee = r.direction === 'inbound' ? null : callbackNumber(r.to.num);
  if (callee !== null) out.add(callee);
  return [...out];
}

/** The numbers whose open callback this record may change: what the store loads before `changesFor`. */
export function numbersOf(r: CallRecord): string[] {
  const owed = owedBy(r);
  return owed ? [owed.number] : reachedBy(r);
}

/**
 * What one stored record does to the open callbacks of its PBX (`open`,
 * keyed by number, holding at least those of `numbersOf(r)`). A record seen
 * again (the writer may hand a batch twice after a retry) changes nothing.
 */
export function changesFor(open: ReadonlyMap<string, Callback>, r: CallRecord): CallbackChange[] {
  const owed = owedBy(r);
  if (owed) {
    const was = open.get(owed.number);
    if (was) {
      if (was.id === r.id || was.lastCallId === r.id || r.endedAt < was.lastAt) return [];
      return [
        {
          kind: 'update',
          callback: { ...was, attempts: was.attempts + 1, lastAt: r.endedAt, lastCallId: r.id, name: was.name || owed.name },
        },
      ];
    }
    return [
      {
        kind: 'insert',
        callback: {
          pbx: r.pbx,
          id: r.id,
          number: owed.number,
          name: owed.name,
          queue: owed.queue,
          firstAt: r.endedAt,
          lastAt: r.endedAt,
          attempts: 1,
          lastCallId: r.id,
          state: 'open',
          doneBy: null,
          doneAt: null,
          doneHow: null,
          doneCallId: null,
          calledBy: null,
          calledAt: null,
          calls: 0,
        },
      },
    ];
  }
  const changes: CallbackChange[] = [];
  for (const number of reachedBy(r)) {
    const was = open.get(number);
    // Only a call that ended after the last one owed closes it: a late-written earlier call says nothing since.
    if (!was || r.endedAt < was.lastAt) continue;
    changes.push({
      kind: 'update',
      callback: { ...was, state: 'done', doneBy: 'auto', doneAt: r.endedAt, doneHow: 'auto', doneCallId: r.id },
    });
  }
  return changes;
}

/** Applies changes to a map of open callbacks by number (tests and the store's batch both fold this way). */
export function foldChanges(open: Map<string, Callback>, changes: readonly CallbackChange[]): void {
  for (const { callback } of changes) {
    if (callback.state === 'open') open.set(callback.number, callback);
    else open.delete(callback.number);
  }
}
