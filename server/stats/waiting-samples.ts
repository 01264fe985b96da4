/**
 * Callers waiting per queue over the last hour, for the charts: a count of
 * the board's waiting callers every `stepMs`, kept in a ring per queue. Held
 * in memory only: an hour lost to a restart is an hour of a line, not a
 * figure anyone adds up.
 */
import type { PbxState } from '@/lib/pbx/model';

export interface WaitingSeries {
  /** The first sample's time, ms; the samples follow every `stepMs`. */
  start: number;
  stepMs: number;
  /** Per queue, oldest first; every array as long as `times`. */
  queues: { queue: string; waiting: number[] }[];
  times: number[];
}

/** Queues followed at most: past it, new names are not sampled (the state's own bounds keep this far off). */
const MAX_QUEUES = 2_000;

export class WaitingSamples {
  private readonly times: number[] = [];
  private readonly rings = new Map<string, number[]>();

  constructor(
    private readonly state: PbxState,
    readonly stepMs = 10_000,
    private readonly keep = 360,
  ) {}

  get last(): number {
    return this.times[this.times.length - 1] ?? 0;
  }

  sample(now: number): void {
    const counts = new Map<string, number>();
    for (const id in this.state.callers) {
      const q = this.state.callers[id].queue;
      counts.set(q, (counts.get(q) ?? 0) + 1);
    }
    for (const id in this.state.queues) if (!counts.has(id)) counts.set(id, 0);
    const n = this.times.length;
    for (const [queue, count] of counts) {
      let ring = this.rings.get(queue);
      if (!ring) {
        if (this.rings.size >= MAX_QUEUES) continue;
        // A queue seen for the first time had nobody waiting before, as far as the board knew.
        ring = new Array<number>(n).fill(0);
        this.rings.set(queue, ring);
      }
      ring.push(count);
    }
    for (const [queue, ring] of this.rings) if (!counts.has(queue)) ring.push(0);
    this.times.push(now);
    if (this.times.length > this.keep) {
      this.times.shift();
      for (const ring of this.rings.values()) ring.shift();
    }
  }

  series(seen: (queue: string) => boolean): WaitingSeries {
    const queues = [...this.rings]
      .filter(([queue]) => seen(queue))
      .map(([queue, waiting]) => ({ queue, waiting: [...waiting] }))
      .sort((a, b) => a.queue.localeCompare(b.queue));
    return { start: this.times[0] ?? 0, stepMs: this.stepMs, queues, times: [...this.times] };
  }
}
