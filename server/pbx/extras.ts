/**
 * What a connect does besides the lists, none of which the board's truth
 * depends on: the exclude `Filter` (server/event-filter.ts) that keeps the
 * events nothing here reads off the wire, and CoreSettings for Asterisk's own
 * version (the greeting only names the AMI protocol's). Either may be refused.
 */
import { AmiActionError, type AmiClient } from '@/lib/ami/client';
import { status, type Op } from '@/lib/protocol';
import type { PbxState } from '@/lib/pbx/model';
import { filterAction, type EventFilterState } from '../event-filter';
import type { Logger } from '../log';

export interface ExtrasOptions {
  client: Pick<AmiClient, 'send'>;
  state: PbxState;
  apply: (ops: readonly Op[]) => void;
  log: Logger;
  /** The link's generation now: an answer from an older link says nothing about this one. */
  generation: () => number;
  timeoutMs: number;
  /** Send the Filter at all (CALLBOARD_AMI_FILTER). */
  filter: boolean;
}

export class ConnectExtras {
  private filterState: EventFilterState;
  private filterRefusalLogged = false;

  constructor(private readonly opts: ExtrasOptions) {
    this.filterState = opts.filter ? 'pending' : 'off';
  }

  get filter(): EventFilterState {
    return this.filterState;
  }

  /** Call before the lists' actions: Asterisk runs a session's actions in order, so the lists' moments are already filtered. */
  beforeLists(): void {
    if (this.filterState !== 'off') void this.installFilter();
  }

  /** Call after the lists' first action: the version can wait, the board's truth cannot. */
  afterLists(): void {
    void this.learnVersion();
  }

  /**
   * Filters live and die with the manager session, so every connect adds it
   * again. A refusal (no `write=system`) is no fault: Callboard reads the same,
   * Asterisk only sends more. Said once at info, not as a UI warning.
   */
  private async installFilter(): Promise<void> {
    const generation = this.opts.generation();
    this.filterState = 'pending';
    try {
      await this.opts.client.send(filterAction(), { timeoutMs: this.opts.timeoutMs });
      if (generation === this.opts.generation()) this.filterState = 'installed';
    } catch (err) {
      if (generation !== this.opts.generation() || !(err instanceof AmiActionError)) return;
      this.filterState = 'refused';
      if (this.filterRefusalLogged) return;
      this.filterRefusalLogged = true;
      this.opts.log.info(
        { message: err.amiMessage },
        'Asterisk refused the event Filter (it needs write=system); events the board ignores still arrive, nothing else changes',
      );
    }
  }

  /** Optional: needs system or reporting write. */
  private async learnVersion(): Promise<void> {
    try {
      const answer = await this.opts.client.send({ Action: 'CoreSettings' }, { timeoutMs: this.opts.timeoutMs });
      const version = answer.response.fields.AsteriskVersion;
      if (version && version !== this.opts.state.pbx.version) this.opts.apply([status({ version })]);
    } catch {
      // Refused or link gone: the AMI version stays.
    }
  }
}
