/**
 * Simulated time for the demo PBX. Timers run in the order of their simulated
 * due time (ties in the order they were set), whatever the jitter of the real
 * timers underneath, so a seed replays the same traffic. `speed` > 1 runs the
 * simulated phones faster than the clock (tests).
 */
export interface TimerHandle {
  readonly due: number;
  readonly seq: number;
  fn: (() => void) | undefined;
}

export class Scheduler {
  private readonly heap: TimerHandle[] = [];
  private seq = 0;
  private startedMs = performance.now();
  /** Simulated seconds of the timer that is running, if one is. */
  private firing: number | undefined;
  private lastFired = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;
  /** While set, time stands still here and moves only through `runFor` (a warm start). */
  private frozenAt: number | undefined;

  /** `frozen`: simulated time starts at exactly 0 and waits for `runFor`/`thaw`, so a warm-up replays identically. */
  constructor(
    public speed = 1,
    frozen = false,
  ) {
    if (frozen) this.frozenAt = 0;
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  /** Simulated seconds since start. */
  now(): number {
    if (this.firing !== undefined) return this.firing;
    if (this.frozenAt !== undefined) return this.frozenAt;
    return Math.max(this.lastFired, ((performance.now() - this.startedMs) / 1000) * this.speed);
  }

  after(seconds: number, fn: () => void): TimerHandle {
    const handle: TimerHandle = { due: this.now() + Math.max(0, seconds), seq: this.seq++, fn };
    if (this.stopped) return handle;
    this.push(handle);
    this.arm();
    return handle;
  }

  /**
   * Runs every timer due in the next `seconds` of simulated time at once, in
   * simulated order, without waiting for the clock. Only while frozen.
   */
  runFor(seconds: number): void {
    if (this.frozenAt === undefined) throw new Error('Scheduler.runFor: only a frozen scheduler can run ahead');
    this.fireDue(this.frozenAt + Math.max(0, seconds));
    this.frozenAt += Math.max(0, seconds);
  }

  /** Lets simulated time flow with the clock again, on from where it stands. */
  thaw(): void {
    if (this.frozenAt === undefined) return;
    this.startedMs = performance.now() - (this.frozenAt * 1000) / this.speed;
    this.lastFired = this.frozenAt;
    this.frozenAt = undefined;
    this.arm();
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle) handle.fn = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.heap.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.frozenAt !== undefined) return;
    while (this.heap.length > 0 && !this.heap[0].fn) this.pop();
    if (this.heap.length === 0) return;
    const due = this.heap[0].due;
    if (this.timer && due >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    const realMs = Math.max(0, (due * 1000) / this.speed - (performance.now() - this.startedMs));
    this.armedFor = due;
    this.timer = setTimeout(() => this.run(), Math.ceil(realMs));
  }

  private run(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    this.fireDue(((performance.now() - this.startedMs) / 1000) * this.speed);
    if (!this.stopped) this.arm();
  }

  /** Runs everything due by `until`, in simulated order; timers they set for "now" run in this pass too. */
  private fireDue(until: number): void {
    while (!this.stopped && this.heap.length > 0 && this.heap[0].due <= until + 1e-9) {
      const next = this.pop();
      const fn = next.fn;
      if (!fn) continue;
      next.fn = undefined;
      this.firing = next.due;
      this.lastFired = next.due;
      try {
        fn();
      } catch (err) {
        // One broken call flow must not take the whole PBX (and the server hosting it) down.
        // eslint-disable-next-line no-console -- the demo PBX has no logger; stderr is its log
        console.error('demo-pbx: timer failed', err);
      } finally {
        this.firing = undefined;
      }
    }
  }

  private push(h: TimerHandle): void {
    const heap = this.heap;
    heap.push(h);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): TimerHandle {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: TimerHandle, b: TimerHandle): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
