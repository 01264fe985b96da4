/**
 * The link status the board shows: connecting, connected, disconnected or
 * auth-failed, since when (`linkSince`), and when the link was last known
 * alive (`lastLiveAt`), which is what "Stale since…" reads. Each connect
 * starts a new generation, so work begun on an older link can tell it is void.
 */
import type { AmiStatus } from '@/lib/ami/client';
import { status, type Op } from '@/lib/protocol';
import type { LinkState as Link, PbxState } from '@/lib/pbx/model';
import type { Logger } from '../log';

export interface LinkStateOptions {
  state: PbxState;
  /** Applies status ops through the session's one op path. */
  apply: (ops: readonly Op[]) => void;
  log: Logger;
  now: () => number;
  /** host:port, for the log line when the link cannot come up. */
  target: string;
  /** The link is up (after its status op went out). */
  onUp: () => void;
  /** The link went down or cannot come up: whatever runs for the old link must stop. */
  onDown: () => void;
}

export class LinkState {
  /** Bumped on every connect. */
  generation = 0;
  private lastFailure = '';
  private lastHeardAt = 0;

  constructor(private readonly opts: LinkStateOptions) {}

  /** Something arrived on the link (an event; a Pong counts through the client's silence cause). */
  heard(at: number): void {
    this.lastHeardAt = at;
  }

  onStatus(s: AmiStatus): void {
    const { state, log } = this.opts;
    const now = this.opts.now();
    switch (s.state) {
      case 'connected':
        this.generation++;
        this.lastFailure = '';
        log.info({ version: s.version }, 'AMI link up');
        this.set('connected', now, { lastLiveAt: now, version: state.pbx.version || (s.version ? `AMI ${s.version}` : '') });
        this.opts.onUp();
        break;
      case 'connecting':
        // A retry loop alternates connecting/disconnected; the UI only needs "down since".
        if (state.pbx.link !== 'disconnected' && state.pbx.link !== 'auth-failed') this.set('connecting', now);
        break;
      case 'disconnected':
        // The next connect resyncs anyway.
        this.opts.onDown();
        if (state.pbx.link === 'connected') {
          log.warn({ reason: s.reason }, 'AMI link down; keeping the last state as stale');
          this.lastFailure = s.reason;
          // A link dropped for silence was dead since its last byte (a Pong counts: a quiet PBX is live too).
          const lastLiveAt = s.cause.kind === 'silent' ? Math.max(now - s.cause.silentForMs, this.lastHeardAt, state.pbx.linkSince) : now;
          this.set('disconnected', now, { lastLiveAt });
        } else if (state.pbx.link !== 'disconnected') {
          this.set('disconnected', now);
        }
        // Say why the link cannot come up, once per distinct reason, not on every retry.
        if (s.reason !== this.lastFailure && s.reason !== 'client stopped') {
          this.lastFailure = s.reason;
          log.warn({ reason: s.reason, retryInMs: s.retryInMs }, `AMI link to ${this.opts.target} is down`);
        }
        break;
      case 'auth-failed':
        log.error({ message: s.message }, 'Asterisk refused the AMI login (check AMI_USERNAME/AMI_SECRET and manager.conf)');
        this.set('auth-failed', now);
        break;
    }
  }

  private set(link: Link, now: number, extra: { lastLiveAt?: number; version?: string } = {}): void {
    if (this.opts.state.pbx.link === link && extra.lastLiveAt === undefined) return;
    this.opts.apply([status({ link, linkSince: now, ...extra })]);
  }
}
