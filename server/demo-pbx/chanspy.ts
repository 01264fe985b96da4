import type { Channel, ChannelOwner } from './core';
import { channelHeaders } from './dialect';
import type { Dialplan } from './dialplan';

/**
 * ChanSpy(<device>,<options>) run by an answered channel (Originate
 * `Application: ChanSpy`), as transcript 09 records it for `PJSIP/202,qE`,
 * `qwE` and `qBE`: no Newexten (the application runs outside the dialplan, so
 * only CoreShowChannels shows it), ChanSpyStart once a channel of the device is
 * found, ChanSpyStop when either side goes. With `E` the spyer leaves when the
 * spyee hangs up; without it, it stays in ChanSpy. q, w and B change only the
 * audio, which the demo does not have.
 */
export class ChanSpy implements ChannelOwner {
  private spyee?: Channel;
  private readonly exitWithSpyee: boolean;
  private ended = false;

  constructor(
    private readonly plan: Dialplan,
    private readonly spyer: Channel,
    data: string,
  ) {
    const [spec = '', options = ''] = data.split(',');
    this.exitWithSpyee = options.includes('E');
    spyer.app = 'ChanSpy';
    spyer.appData = data;
    spyer.owner = this;
    plan.spies.add(this);
    // app_chanspy walks the channels whose names begin with the spec, as typed: `PJSIP/202` or a whole channel name.
    const prefix = spec.trim().toLowerCase();
    if (prefix.length > 0) {
      for (const ch of plan.core.channels.values()) {
        if (ch !== spyer && ch.alive && ch.name.toLowerCase().startsWith(prefix)) {
          this.spyee = ch;
          break;
        }
      }
    }
    if (this.spyee) this.event('ChanSpyStart');
  }

  private event(name: 'ChanSpyStart' | 'ChanSpyStop'): void {
    if (!this.spyee) return;
    this.plan.core.emit(name, [...channelHeaders(this.spyer, 'Spyer'), ...channelHeaders(this.spyee, 'Spyee')]);
  }

  /** Told of every hangup before its Hangup event: the spyee going ends the spying. */
  channelGone(ch: Channel): void {
    if (ch !== this.spyee || this.ended) return;
    this.event('ChanSpyStop');
    this.spyee = undefined;
    if (this.exitWithSpyee) this.finish(0);
  }

  onHangup(_ch: Channel, cause: number, by: 'remote' | 'action'): void {
    if (by === 'remote') this.plan.core.hangupRequest(this.spyer, cause);
    // A Hangup action ends ChanSpy from inside: 09 shows ChanSpyStop, then Hangup with cause 0 and no SoftHangupRequest.
    this.finish(by === 'action' ? 0 : cause);
  }

  /** Sent elsewhere (a Redirect): ChanSpy is over, the channel lives on. */
  onRedirect(): void {
    if (this.ended) return;
    this.ended = true;
    this.plan.spies.delete(this);
    this.event('ChanSpyStop');
    this.spyee = undefined;
  }

  private finish(cause: number): void {
    if (this.ended) return;
    this.ended = true;
    this.plan.spies.delete(this);
    this.event('ChanSpyStop');
    this.spyee = undefined;
    this.spyer.owner = undefined;
    this.plan.core.hangup(this.spyer, cause);
  }
}
