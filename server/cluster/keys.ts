/**
 * Where a PBX's shared state lives in Redis. The `{pbx}` hash tag keeps all
 * of one PBX's keys in one slot, so the scripts that touch several of them
 * also run on a Redis Cluster. PBX ids are config ids (server/pbx-config.ts:
 * lowercase letters, digits, `-` and `_`), never text from the wire.
 */
export interface PbxKeys {
  /** The event reader's lease: `<node> <epoch> <token>`, with a TTL. */
  lease: string;
  /** The fencing counter, and the epoch its series belongs to (a hash). */
  fence: string;
  /** The op stream: batches, snapshots, heartbeats. */
  ops: string;
  /** The latest snapshot's marker with its stream id, where a joining node starts. */
  snapshot: string;
  /** Requests to the event reader from the other nodes (alert acknowledgements and snoozes). */
  commands: string;
}

export function pbxKeys(pbx: string, prefix = 'cb'): PbxKeys {
  const tag = `${prefix}:{${pbx}}`;
  return { lease: `${tag}:lease`, fence: `${tag}:fence`, ops: `${tag}:ops`, snapshot: `${tag}:snap`, commands: `${tag}:cmd` };
}

/** Where one snapshot's state is kept (for a minute): beside its PBX's keys, so one script can write both. */
export function snapshotStateKey(keys: PbxKeys, token: number, s: number): string {
  return `${keys.snapshot}:${token}:${s}`;
}
