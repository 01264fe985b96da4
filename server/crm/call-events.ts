/**
 * Call lifecycle events for CRMs, per PBX: the session's ops and the
 * history's stored records go through CallSteps, and each step goes to the
 * event sink (the webhook dispatcher, which only enqueues). Reading what the
 * board already derived keeps the event path as it is: one more op listener,
 * a Map lookup per call op. The events carry callers' numbers unmasked: a
 * webhook is an admin's own integration, and a CRM looks callers up by them.
 * `call.ended` needs the history (CALLBOARD_HISTORY): without it there is
 * no record to send, and none is sent.
 */
import type { CallRecord } from '@/lib/history/record';
import type { PbxState } from '@/lib/pbx/model';
import type { Op } from '@/lib/protocol';
import type { EventSink } from '../alerts/ports';
import type { Logger } from '../log';
import { CallSteps } from './call-steps';

export interface CallEventsPbx {
  id: string;
  session: { readonly state: PbxState; onOps(listener: (ops: readonly Op[]) => void): () => void };
}

export interface CallEventsOptions {
  pbxs: readonly CallEventsPbx[];
  sink: EventSink;
  /** The history writer's `onStored`; absent: no `call.ended`. */
  onStored?: (listener: (records: readonly CallRecord[]) => void) => () => void;
  now: () => number;
  log: Logger;
  maxCallsPerPbx?: number;
}

export function startCallEvents(opts: CallEventsOptions): { stop(): void; tracked(): number } {
  const steps = new Map<string, CallSteps>();
  const stops: (() => void)[] = [];
  let failures = 0;
  const send = (events: ReturnType<CallSteps['ops']>) => {
    for (const e of events) opts.sink.call(e);
  };
  // A bug here must never break the board's op path: counted and logged once in a while, never rethrown.
  const guarded = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      if (failures++ % 1000 === 0)
        opts.log.error({ err: err instanceof Error ? err.message : String(err), failures }, 'call events: a step failed');
    }
  };
  for (const pbx of opts.pbxs) {
    const s = new CallSteps(pbx.id, opts.maxCallsPerPbx);
    steps.set(pbx.id, s);
    stops.push(pbx.session.onOps((ops) => guarded(() => send(s.ops(ops, pbx.session.state, opts.now())))));
  }
  if (opts.onStored)
    stops.push(
      opts.onStored((records) =>
        guarded(() => {
          for (const s of steps.values()) send(s.records(records));
        }),
      ),
    );
  return {
    stop: () => {
      for (const stop of stops.splice(0)) stop();
    },
    tracked: () => [...steps.values()].reduce((n, s) => n + s.tracked, 0),
  };
}
