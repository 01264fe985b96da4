/** A Callback to its row and back. */
import type { Callback, CallbackDoneHow } from '@/lib/history/callbacks';
import type { CallbacksTable } from './schema';

const ms = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toRow(c: Callback): CallbacksTable {
  return {
    pbx: c.pbx,
    id: c.id,
    number: c.number,
    name: c.name,
    queue: c.queue,
    first_at: c.firstAt,
    last_at: c.lastAt,
    attempts: c.attempts,
    last_call_id: c.lastCallId,
    state: c.state,
    done_by: c.doneBy,
    done_at: c.doneAt,
    done_how: c.doneHow,
    done_call_id: c.doneCallId,
    called_by: c.calledBy,
    called_at: c.calledAt,
    calls: c.calls,
  };
}

export function fromRow(r: CallbacksTable): Callback {
  return {
    pbx: r.pbx,
    id: r.id,
    number: r.number,
    name: r.name,
    queue: r.queue,
    firstAt: Number(r.first_at),
    lastAt: Number(r.last_at),
    attempts: Number(r.attempts),
    lastCallId: r.last_call_id,
    state: r.state === 'done' ? 'done' : 'open',
    doneBy: r.done_by,
    doneAt: ms(r.done_at),
    doneHow: r.done_how === 'user' || r.done_how === 'auto' ? (r.done_how as CallbackDoneHow) : null,
    doneCallId: r.done_call_id,
    calledBy: r.called_by,
    calledAt: ms(r.called_at),
    calls: Number(r.calls),
  };
}
