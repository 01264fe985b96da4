export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Ceiling for the exponential part. */
  maxMs: number;
  factor: number;
  /** Share of the delay that is randomised, 0…1: spreads many dashboards reconnecting to one restarted PBX. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

/**
 * Delay before reconnect attempt number `attempt` (0 for the first retry).
 * `random` is a number in [0, 1) supplied by the caller, so this stays pure.
 */
export function backoffDelay(attempt: number, random: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(0, attempt), 60);
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  const r = Math.min(1, Math.max(0, random));
  return Math.round(base * (1 - jitter + jitter * r));
}
