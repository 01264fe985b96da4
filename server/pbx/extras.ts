/**
 * What a connect does before the lists, which the board's truth does not
 * depend on: the exclude `Filter` (server/event-filter.ts) that keeps the
 * events nothing here reads off the wire. It may be refused. (Asterisk's
 * version comes with the system info, server/pbx/system-info.ts.)
 */
import { AmiActionError, type AmiClient } from '@/lib/ami/client';
import type { Op } from '@/lib/protocol';
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
  /** The events it excludes (server/event-filter.ts's list by default). */
  ignored?: readonly string[];
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

  /**
   * Filters live and die with the manager session, so every connect adds it
   * again. A refusal (no `write=system`) is no fault: Callboard reads the same,
   * Asterisk only sends more. Said once at info, not as a UI warning.
   */
  private async installFilter(): Promise<void> {
    const generation = this.opts.generation();
    this.filterState = 'pending';
    try {
      await this.opts.client.send(filterAction(this.opts.ignored), { timeoutMs: this.opts.timeoutMs });
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
}
