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
  private readonly startedMs = performance.now();
  /** Simulated seconds of the timer that is running, if one is. */
  private firing: number | undefined;
  private lastFired = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;

  constructor(public speed = 1) {}

  /** Simulated seconds since start. */
  now(): number {
    if (this.firing !== undefined) return this.firing;
    return Math.max(this.lastFired, ((performance.now() - this.startedMs) / 1000) * this.speed);
  }

  after(seconds: number, fn: () => void): TimerHandle {
    const handle: TimerHandle = { due: this.now() + Math.max(0, seconds), seq: this.seq++, fn };
    if (this.stopped) return handle;
    this.push(handle);
    this.arm();
    return handle;
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
    while (this.heap.length > 0 && !this.heap[0].fn) this.pop();
    if (this.heap.length === 0) return;
    const due = this.heap[0].due;
    if (this.timer && due >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    const realMs = Math.max(0, ((due * 1000) / this.speed) - (performance.now() - this.startedMs));
    this.armedFor = due;
    this.timer = setTimeout(() => this.run(), Math.ceil(realMs));
  }

  private run(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const realNow = ((performance.now() - this.startedMs) / 1000) * this.speed;
    // Run everything due, in simulated order; timers they set for "now" run in this pass too.
    while (!this.stopped && this.heap.length > 0 && this.heap[0].due <= realNow + 1e-9) {
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
        console.error('demo-pbx: timer failed', err);
      } finally {
        this.firing = undefined;
      }
    }
    if (!this.stopped) this.arm();
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
