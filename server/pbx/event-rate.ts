/**
 * Events per second over the last 10 s, and events since the link came up,
 * for the system panel. One counter per second in a ring: counting an event
 * is an add, and reading the rate sums ten numbers.
 */
const WINDOW_SEC = 10;

export class EventRate {
  total = 0;
  private readonly buckets = new Uint32Array(WINDOW_SEC);
  /** The second the newest bucket counts; -1 before any. */
  private second = -1;

  reset(): void {
    this.total = 0;
    this.buckets.fill(0);
    this.second = -1;
  }

  count(at: number): void {
    this.advance(Math.floor(at / 1000));
    this.buckets[this.second % WINDOW_SEC]++;
    this.total++;
  }

  /** Over the ten seconds up to `at`, the current one included; one decimal. */
  perSec(at: number): number {
    this.advance(Math.floor(at / 1000));
    let sum = 0;
    for (let i = 0; i < WINDOW_SEC; i++) sum += this.buckets[i];
    return Math.round((sum / WINDOW_SEC) * 10) / 10;
  }

  private advance(second: number): void {
    // A clock that steps back keeps counting into the newest second rather than into the past.
    if (second <= this.second) return;
    if (this.second < 0 || second - this.second >= WINDOW_SEC) this.buckets.fill(0);
    else for (let s = this.second + 1; s <= second; s++) this.buckets[s % WINDOW_SEC] = 0;
    this.second = second;
  }
}
