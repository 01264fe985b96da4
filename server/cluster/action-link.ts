/**
 * A node's own AMI session for actions, beside the event reader that one
 * node holds (docs/architecture.md: actions need no order with the event
 * stream, and forwarding would add a hop and a failure mode).
 *
 * It hears no events but OriginateResponse: an async Originate answers with
 * that event, on the session that sent it. An include Filter keeps every
 * other event of the `call` class off this link; if Asterisk refuses the
 * Filter (no `system` write permission), the link still works, it just
 * carries the class's events for nothing.
 */
import { AmiClient, type AmiAction, type AmiClientOptions } from '@/lib/ami/client';
import type { AmiPacket } from '@/lib/ami/packet';
import type { Logger } from '../log';
import type { AmiTarget } from '../pbx-session';

export class ActionLink {
  private readonly client: AmiClient;

  constructor(ami: AmiTarget, log: Logger, extra: Partial<AmiClientOptions> = {}) {
    this.client = new AmiClient({
      host: ami.host,
      port: ami.port,
      tls: ami.tls,
      username: ami.username,
      secret: ami.secret,
      events: ['call'],
      onWarning: (message) => log.warn({ module: 'actions-link' }, message),
      ...extra,
    });
    this.client.onStatus((s) => {
      if (s.state !== 'connected') return;
      this.client
        .send({ Action: 'Filter', Operation: 'Add', Filter: 'Event: OriginateResponse' }, { timeoutMs: 10_000 })
        .catch((err: unknown) => {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'cluster: the action link could not filter its events');
        });
    });
  }

  get connected(): boolean {
    return this.client.status.state === 'connected';
  }

  async command(action: AmiAction, timeoutMs: number): Promise<AmiPacket> {
    const result = await this.client.send(action, { timeoutMs });
    return result.originateResponse ?? result.response;
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.client.stop();
  }
}
