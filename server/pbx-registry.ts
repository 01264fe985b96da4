/**
 * The PBXs one Callboard serves, in configured order: each with its own
 * session (the AMI link and the state) and its own fan-out (its rooms and
 * seq). The first is the default: the one the old one-PBX REST paths mean.
 */
import type { OriginateConfig } from './pbx-config';
import type { PbxHealth, ResyncReason } from './pbx-session';
import type { Fanout, OpSource } from './realtime/fanout';
import type { PbxCommands } from './actions/runner';
import type { ClusterPbx } from './cluster/cluster-pbx';
import type { PbxInfo } from '@/lib/protocol';

/**
 * What the fan-out, the routes and the actions need of a PBX: its board, its
 * health, a way to send actions and to run the lists. On one node that is
 * the PbxSession itself; with several, the node's mirror of the stream with
 * its own action link (server/cluster/cluster-pbx.ts).
 */
export interface PbxBoard extends OpSource, PbxCommands {
  health(): PbxHealth;
  resync(reason?: ResyncReason): Promise<void>;
}

export interface PbxRuntime {
  id: string;
  label: string;
  demo: boolean;
  session: PbxBoard;
  fanout: Fanout;
  /** Its part in a cluster of nodes; absent on one node. */
  cluster?: ClusterPbx;
  originate: OriginateConfig;
  pauseReasons: readonly string[];
  parkingContext: string;
}

export class PbxRegistry {
  private readonly byId: ReadonlyMap<string, PbxRuntime>;

  constructor(readonly list: readonly PbxRuntime[]) {
    if (!list.length) throw new Error('a Callboard needs at least one PBX');
    this.byId = new Map(list.map((p) => [p.id, p]));
  }

  get default(): PbxRuntime {
    return this.list[0];
  }

  /** The PBX of an id from a request or the wire; undefined for anything not configured. */
  get(id: unknown): PbxRuntime | undefined {
    return typeof id === 'string' ? this.byId.get(id) : undefined;
  }

  info(pbxs: readonly PbxRuntime[] = this.list): PbxInfo[] {
    return pbxs.map((p) => ({ id: p.id, label: p.label, pauseReasons: [...p.pauseReasons] }));
  }
}
