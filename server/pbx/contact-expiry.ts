/**
 * A registration that ends without an event: the phone stopped refreshing
 * and Asterisk expired it, or its ContactStatus Removed was lost with a link.
 *
 * Every `intervalMs` the board's contacts are checked with lib/pbx's pure
 * `contactsDue`: is an expiry more than `graceMs` past, or one not known yet
 * (a registration seen only as an event)? Only then is PJSIPShowContacts read again, because
 * Asterisk refreshes a registration without an event by default
 * (res_pjsip's send_contact_status_on_update_registration): the list moves a
 * refreshed contact's expiry on and removes the contacts it no longer has.
 * What is still more than `graceMs` past its expiry after that (the list
 * failed, was refused, or lists a contact Asterisk has yet to prune) goes
 * with `expireContacts`. The cost on Asterisk is one list per interval at
 * most, and none while no contact is due.
 */
import { contactsDue, expireContacts } from '@/lib/pbx';
import type { PbxState } from '@/lib/pbx/model';
import type { Op } from '@/lib/protocol';

export const CONTACT_CHECK_MS = 30_000;
/** Asterisk prunes expired contacts on its own schedule; one a little past its time may still be listed. */
export const CONTACT_GRACE_MS = 30_000;

export interface ContactExpiryOptions {
  state: PbxState;
  /** Reads PJSIPShowContacts into the state; false when it did not. */
  refresh: () => Promise<boolean>;
  /** The session's op path; the ops are already applied. */
  apply: (ops: readonly Op[], alreadyApplied: true) => void;
  now: () => number;
  intervalMs?: number;
  graceMs?: number;
}

export class ContactExpiry {
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(private readonly opts: ContactExpiryOptions) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs ?? CONTACT_CHECK_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One check (the timer's; a test calls it with the time it injects). Joins a check already going. */
  check(): Promise<void> {
    this.checking ??= this.run().finally(() => (this.checking = null));
    return this.checking;
  }

  private async run(): Promise<void> {
    const { state, now } = this.opts;
    const grace = this.opts.graceMs ?? CONTACT_GRACE_MS;
    if (!contactsDue(state, now(), grace)) return;
    await this.opts.refresh();
    const ops = expireContacts(state, now(), grace);
    if (ops.length) this.opts.apply(ops, true);
  }
}
