import type { Op } from '../protocol';

/**
 * A reduction threw part way. `ops` were already applied to the state before
 * the throw: the caller must still send them, or its consumers' copies would
 * differ from the state, and should resync to repair the rest.
 */
export class ReducerError extends Error {
  override name = 'ReducerError';
  constructor(
    readonly cause: unknown,
    readonly ops: Op[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
