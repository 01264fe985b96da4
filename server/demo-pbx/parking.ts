import type { Bridge, Channel, ChannelOwner } from './core';
import { channelHeaders, type Header } from './dialect';
import type { Dialplan } from './dialplan';
import type { TimerHandle } from './scheduler';
import { Talk } from './talk';

/**
 * res_parking's lot `default`, as on the PBX of transcript 09: spaces 801–820 in
 * the context `parkedcalls`, one holding bridge for the whole lot (created on
 * the first park and kept, empty, afterwards), and the events in the order 09
 * and res/parking show them: ParkedCall, then ParkedCallTimeOut, ParkedCallGiveUp
 * or UnParkedCall once the call leaves its space.
 */
export const PARKING_LOT = 'default';
export const PARKING_CONTEXT = 'parkedcalls';
export const FIRST_SPACE = 801;
export const LAST_SPACE = 820;
/** res_parking's default `parkingtime`. */
export const PARKING_TIMEOUT_SEC = 45;
/** res_parking's default `comebackdialtime`: how long the parker is rung when the time is up. */
const COMEBACK_DIAL_SEC = 30;
const PARK_DIAL_CONTEXT = 'park-dial';

export interface ParkedUser {
  ch: Channel;
  space: number;
  /** ParkerDialString: the device the call returns to (`PJSIP/205`). */
  parker: string;
  /** Seconds from `parkedMs`; 0 = no timeout. */
  timeoutSec: number;
  parkedMs: number;
  timer?: TimerHandle;
}

/** `PJSIP/205-00000019` → `PJSIP/205`: the device a channel name belongs to. */
export const deviceOf = (channelName: string): string => channelName.replace(/-[0-9a-f]+$/i, '');

export class ParkingLot {
  bridge?: Bridge;
  private readonly users = new Map<number, ParkedUser>();

  constructor(private readonly plan: Dialplan) {}

  /** The parked calls, by space. */
  list(): ParkedUser[] {
    return [...this.users.values()].sort((a, b) => a.space - b.space);
  }

  get(space: number): ParkedUser | undefined {
    return this.users.get(space);
  }

  freeSpace(): number | undefined {
    for (let s = FIRST_SPACE; s <= LAST_SPACE; s++) if (!this.users.has(s)) return s;
    return undefined;
  }

  /** Parkee, parker dial string and the space's figures, as ParkedCall and its kin carry them. */
  headers(pu: ParkedUser, parkee: readonly Header[] = channelHeaders(pu.ch, 'Parkee'), retriever: readonly Header[] = []): Header[] {
    const elapsed = Math.max(0, Math.floor((this.plan.core.now() - pu.parkedMs) / 1000));
    return [
      ...parkee,
      ...retriever,
      ['ParkerDialString', pu.parker],
      ['Parkinglot', PARKING_LOT],
      ['ParkingSpace', pu.space],
      ['ParkingTimeout', pu.timeoutSec > 0 ? Math.max(0, pu.timeoutSec - elapsed) : 0],
      ['ParkingDuration', elapsed],
    ];
  }

  /**
   * Parks `parkee` in the first free space; undefined when the lot is full. A
   * conversation it was in is over: its peer (the parker, in a bridged park) is
   * hung up after the ParkedCall, as 09 shows for `PJSIP/205`.
   */
  park(parkee: Channel, parker: string, timeoutSec: number, transferer?: string): ParkedUser | undefined {
    const core = this.plan.core;
    const space = this.freeSpace();
    if (space === undefined) return undefined;
    const owner = parkee.owner;
    let peer: Channel | undefined;
    if (owner instanceof Talk) {
      peer = owner.peer(parkee);
      owner.release();
    } else {
      parkee.owner = undefined;
      owner?.onRedirect?.(parkee);
      if (!parkee.alive) return undefined;
    }
    const old = parkee.bridge;
    if (transferer) core.varSet(parkee, 'BLINDTRANSFER', transferer);
    if (!this.bridge || !core.bridges.has(this.bridge.id)) {
      this.bridge = core.bridgeCreate({ type: 'parking', technology: 'holding_bridge', creator: 'Parking', name: PARKING_LOT });
    }
    core.bridgeLeave(parkee);
    core.setDeviceState(`park:${space}@${PARKING_CONTEXT}`, 'INUSE');
    core.bridgeEnter(this.bridge, parkee);
    if (transferer) core.varSet(parkee, 'BLINDTRANSFER', '');
    core.varSet(parkee, 'BRIDGEPEER', '');
    const pu: ParkedUser = { ch: parkee, space, parker, timeoutSec, parkedMs: core.now() };
    this.users.set(space, pu);
    if (timeoutSec > 0) pu.timer = core.after(timeoutSec, () => this.timedOut(pu));
    parkee.owner = this.ownerFor(pu);
    core.emit('ParkedCall', this.headers(pu));
    if (peer?.alive) {
      core.varSet(peer, 'BRIDGEPEER', '');
      core.bridgeLeave(peer);
      if (old && old.channels.size === 0) core.bridgeDestroy(old);
      core.hangup(peer, 16);
    } else if (old && old.channels.size === 0) {
      core.bridgeDestroy(old);
    }
    return pu;
  }

  private ownerFor(pu: ParkedUser): ChannelOwner {
    const core = this.plan.core;
    return {
      onHangup: (ch, cause, by) => {
        if (by === 'remote') core.hangupRequest(ch, cause);
        else core.softHangupRequest(ch, cause);
        this.leave(pu, 'ParkedCallGiveUp');
        core.hangup(ch, cause);
      },
      // Sent elsewhere (a Redirect) while parked: res_parking sees it leave unresolved, a give-up.
      onRedirect: () => this.leave(pu, 'ParkedCallGiveUp'),
    };
  }

  /** bridge_parking_pull: the space is free (its device idle), the event, then the channel is out of the lot's bridge. */
  private leave(pu: ParkedUser, event: 'ParkedCallGiveUp' | 'ParkedCallTimeOut'): void {
    const core = this.plan.core;
    if (this.users.get(pu.space) !== pu) return;
    this.users.delete(pu.space);
    core.cancel(pu.timer);
    pu.ch.owner = undefined;
    core.setDeviceState(`park:${pu.space}@${PARKING_CONTEXT}`, 'NOT_INUSE');
    core.emit(event, this.headers(pu));
    core.bridgeLeave(pu.ch);
  }

  /** The time is up: the call rings its parker again from `park-dial` (comebacktoorigin). */
  private timedOut(pu: ParkedUser): void {
    const core = this.plan.core;
    const ch = pu.ch;
    if (!ch.alive) return;
    this.leave(pu, 'ParkedCallTimeOut');
    const flat = pu.parker.replace(/\//g, '_');
    core.varSet(ch, 'PARKING_SPACE', pu.space);
    core.varSet(ch, 'PARKEDLOT', PARKING_LOT);
    core.varSet(ch, 'PARKER', pu.parker);
    core.varSet(ch, 'PARKER_FLAT', flat);
    const endpoint = pu.parker.startsWith('PJSIP/') ? pu.parker.slice(6) : '';
    const where = { context: PARK_DIAL_CONTEXT, exten: flat };
    if (endpoint && this.plan.endpointExists(endpoint) && endpoint !== ch.endpoint) {
      this.plan.dial(ch, endpoint, endpoint, where, undefined, COMEBACK_DIAL_SEC);
    } else {
      core.newexten(ch, 'Hangup', '', where);
      core.hangup(ch, 16);
    }
  }

  /**
   * ParkedCall(default,SPACE) run by an answered channel: the parked call moves
   * into a new bridge with it (the retriever joins the parked call's Linkedid),
   * then UnParkedCall with both as they were before the connected lines changed.
   * An empty space hangs the retriever up, as parked_call_app_exec does.
   */
  retrieve(retriever: Channel, space: number): void {
    const core = this.plan.core;
    core.newexten(retriever, 'ParkedCall', `${PARKING_LOT},${space}`, { context: PARKING_CONTEXT, exten: String(space) });
    const pu = this.users.get(space);
    if (!pu || !pu.ch.alive) {
      retriever.owner = undefined;
      core.hangup(retriever, 16);
      return;
    }
    this.users.delete(space);
    core.cancel(pu.timer);
    const parkee = pu.ch;
    parkee.owner = undefined;
    const parkeeBefore = channelHeaders(parkee, 'Parkee');
    const retrieverBefore = channelHeaders(retriever, 'Retriever');
    const b = core.bridgeCreate();
    core.setDeviceState(`park:${space}@${PARKING_CONTEXT}`, 'NOT_INUSE');
    core.bridgeLeave(parkee);
    core.bridgeEnter(b, parkee);
    retriever.linkedid = parkee.linkedid;
    core.bridgeEnter(b, retriever);
    core.varSet(parkee, 'BRIDGEPEER', retriever.name);
    core.varSet(retriever, 'BRIDGEPEER', parkee.name);
    core.setConnected(retriever, parkee.callerNum, parkee.callerName);
    core.setConnected(parkee, retriever.callerNum, retriever.callerName);
    core.emit('UnParkedCall', this.headers(pu, parkeeBefore, retrieverBefore));
    new Talk(this.plan, parkee, retriever, core.now(), undefined, true);
  }
}
