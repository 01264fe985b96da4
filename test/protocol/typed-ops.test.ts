/**
 * Ops carry their kind's fields. The compile-time half runs under
 * `npm run typecheck`: each `@ts-expect-error` fails the check once the line
 * below it compiles, i.e. once a misspelt field would slip through.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Changes } from '../../lib/pbx/changes';
import { emptyState, type Device, type Queue, type QueueMember } from '../../lib/pbx/model';
import { applyOps, upsert, type Op, type UpsertOp } from '../../lib/protocol';

describe('typed ops', () => {
  it('an upsert is its kind, and checking the kind narrows its fields', () => {
    const queue: UpsertOp<'queues'> = upsert('queues', 'sales', { calls: 2 });
    const ops: Op[] = [queue, upsert('members', 'sales|PJSIP/1', { paused: true })];
    for (const op of ops) {
      if (op[0] === 'u' && op[1] === 'queues') expectTypeOf(op[3]).toEqualTypeOf<Partial<Queue>>();
      if (op[0] === 'u' && op[1] === 'members') expectTypeOf(op[3]).toEqualTypeOf<Partial<QueueMember>>();
    }
    const state = emptyState();
    applyOps(state, ops);
    expect(state.queues.sales).toEqual({ id: 'sales', calls: 2 });
    expect(state.members['sales|PJSIP/1']).toEqual({ id: 'sales|PJSIP/1', paused: true });
  });

  it('refuses a misspelt field, another kind’s field and a value of the wrong type', () => {
    // Never called: only the compiler reads these.
    const typeOnly = (ch: Changes): void => {
      // @ts-expect-error misspelt
      upsert('queues', 'sales', { cals: 2 });
      // @ts-expect-error a queue's field on a member
      upsert('members', 'm', { strategy: 'rrmemory' });
      // @ts-expect-error a string where a boolean goes
      upsert('channels', 'c', { onHold: 'yes' });
      // @ts-expect-error misspelt
      ch.put('members', 'm', { pausd: true });
      // @ts-expect-error a channel's field on a call
      ch.change('calls', 'c', { bridgeId: 'b' });
    };
    expect(typeOnly).toBeTypeOf('function');
    const ch = new Changes(emptyState(), undefined, 0, { isTrunk: () => false });
    expectTypeOf(ch.change('devices', 'PJSIP/1', { state: 'INUSE' })).toEqualTypeOf<Partial<Device> | undefined>();
  });
});
