/**
 * The alert service's timing and its guards, on an in-memory session (the
 * `AlertSession` port: state, op listeners, publish) with fake timers and an
 * injected clock: a pass at once after a quiet spell, at most one per gap
 * under a burst, one a second regardless; its own ops never trigger another;
 * a throwing sink is counted, never rethrown.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyOps, type Op } from '@/lib/protocol';
import { AlertService } from '@/server/alerts/service';
import { StaticRuleSource } from '@/server/alerts/static-source';
import { createLogger } from '@/server/log';
import { caller, liveState, queue, rule, T0 } from './fixtures';

function memorySession() {
  const state = liveState();
  state.queues.sales = queue('sales');
  const listeners = new Set<(ops: readonly Op[]) => void>();
  const published: Op[][] = [];
  return {
    state,
    published,
    onOps(listener: (ops: readonly Op[]) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(ops: readonly Op[]) {
      published.push([...ops]);
      applyOps(state, ops);
      for (const l of listeners) l(ops);
    },
    /** A state change from the event path. */
    change(ops: Op[]) {
      applyOps(state, ops);
      for (const l of listeners) l(ops);
    },
  };
}

let clock = T0;
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  clock = T0;
});
afterEach(() => vi.useRealTimers());
const advance = (ms: number) => {
  clock += ms;
  vi.advanceTimersByTime(ms);
};

function build(sink = { alert: vi.fn(), call: vi.fn() }) {
  const session = memorySession();
  const source = new StaticRuleSource([rule({ kind: 'waiting', threshold: 1, queue: 'sales' })]);
  const service = new AlertService({
    pbx: 'main',
    session,
    rules: source,
    sink,
    now: () => clock,
    timeZone: 'UTC',
    log: createLogger('silent'),
  });
  service.start();
  return { session, source, service, sink };
}

const join = (uid: string): Op => ['u', 'callers', `sales|${uid}`, caller('sales', uid, clock)];

describe('alert service', () => {
  it('a change after a quiet spell is evaluated at once; a burst costs one pass per 200 ms', () => {
    const { session, service } = build();
    const start = service.health().passes;
    advance(500);
    const afterTick = service.health().passes;
    session.change([join('a')]);
    advance(0);
    expect(Object.keys(session.state.alerts)).toHaveLength(1);
    expect(service.health().passes).toBe(afterTick + 1);
    for (let i = 0; i < 50; i++) {
      session.change([join(`b${i}`)]);
      advance(3);
    }
    // 150 ms of events right after a pass: one more pass, at the end of the gap.
    advance(50);
    expect(service.health().passes - afterTick).toBe(2);
    expect(start).toBe(1);
    service.close();
  });

  it('passes every second without events, and never because of its own ops', () => {
    const { session, service } = build();
    session.change([join('a')]);
    // Within 200 ms of the pass at start: this one waits out the gap.
    advance(200);
    const n = service.health().passes;
    advance(3000);
    expect(service.health().passes - n).toBe(3);
    service.close();
    advance(3000);
    expect(service.health().passes - n).toBe(3);
  });

  it('a rule change is evaluated at once', () => {
    const { session, source, service } = build();
    session.change([join('a')]);
    // Within 200 ms of the pass at start: this one waits out the gap.
    advance(200);
    expect(Object.keys(session.state.alerts)).toHaveLength(1);
    source.set([]);
    expect(session.state.alerts).toEqual({});
    service.close();
  });

  it('a sink that throws is counted, and the alert is on the board regardless', () => {
    const sink = {
      alert: vi.fn(() => {
        throw new Error('down');
      }),
      call: vi.fn(),
    };
    const { session, service } = build(sink);
    session.change([join('a')]);
    // Within 200 ms of the pass at start: this one waits out the gap.
    advance(200);
    expect(Object.keys(session.state.alerts)).toHaveLength(1);
    expect(service.health().sinkErrors).toBe(1);
    const id = Object.keys(session.state.alerts)[0];
    expect(service.acknowledge(id, 'sue')).toMatchObject({ ok: true });
    expect(service.health().sinkErrors).toBe(2);
    expect(session.state.alerts[id].ackedBy).toBe('sue');
    service.close();
  });
});
