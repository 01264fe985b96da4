/** Builders for hand-written AMI events, spelled as Asterisk 22 spells them. */
import type { AmiPacket } from '../../lib/ami/packet';

export interface Chan {
  uid: string;
  name: string;
  state?: number;
  num?: string;
  cname?: string;
  cnum?: string;
  ccname?: string;
  context?: string;
  exten?: string;
  linkedid?: string;
}

const STATE_DESC: Record<number, string> = { 0: 'Down', 4: 'Ring', 5: 'Ringing', 6: 'Up' };

export function snapshot(c: Chan, prefix = ''): Record<string, string> {
  const state = c.state ?? 6;
  return {
    [`${prefix}Channel`]: c.name,
    [`${prefix}ChannelState`]: String(state),
    [`${prefix}ChannelStateDesc`]: STATE_DESC[state] ?? 'Unknown',
    [`${prefix}CallerIDNum`]: c.num ?? '<unknown>',
    [`${prefix}CallerIDName`]: c.cname ?? '<unknown>',
    [`${prefix}ConnectedLineNum`]: c.cnum ?? '<unknown>',
    [`${prefix}ConnectedLineName`]: c.ccname ?? '<unknown>',
    [`${prefix}Language`]: 'en',
    [`${prefix}AccountCode`]: '',
    [`${prefix}Context`]: c.context ?? 'default',
    [`${prefix}Exten`]: c.exten ?? 's',
    [`${prefix}Priority`]: '1',
    [`${prefix}Uniqueid`]: c.uid,
    [`${prefix}Linkedid`]: c.linkedid ?? c.uid,
  };
}

let clock = 1_795_000_000;

/** An event with a Timestamp one millisecond after the previous one. */
export function ev(event: string, ...parts: Record<string, string>[]): AmiPacket {
  clock += 0.001;
  return { fields: Object.assign({ Event: event, Privilege: 'call,all', Timestamp: clock.toFixed(6) }, ...parts) };
}

export const chanEv = (event: string, c: Chan, extra: Record<string, string> = {}) => ev(event, snapshot(c), extra);

export const dialBegin = (from: Chan, to: Chan) => ev('DialBegin', snapshot(from), snapshot(to, 'Dest'), { DialString: to.exten ?? '' });
export const dialEnd = (from: Chan, to: Chan, status: string) =>
  ev('DialEnd', snapshot(from), snapshot(to, 'Dest'), { DialStatus: status });
export const localBridge = (one: Chan, two: Chan) =>
  ev('LocalBridge', snapshot(one, 'LocalOne'), snapshot(two, 'LocalTwo'), { LocalOptimization: 'Yes' });

export const bridgeInfo = (id: string) => ({
  BridgeUniqueid: id,
  BridgeType: 'basic',
  BridgeTechnology: 'simple_bridge',
  BridgeCreator: '<unknown>',
  BridgeName: '<unknown>',
  BridgeNumChannels: '0',
  BridgeVideoSourceMode: 'none',
});
export const bridgeCreate = (id: string) => ev('BridgeCreate', bridgeInfo(id));
export const bridgeEnter = (id: string, c: Chan, swap?: string) =>
  ev('BridgeEnter', bridgeInfo(id), snapshot(c), swap ? { SwapUniqueid: swap } : {});
export const bridgeLeave = (id: string, c: Chan) => ev('BridgeLeave', bridgeInfo(id), snapshot(c));
export const bridgeDestroy = (id: string) => ev('BridgeDestroy', bridgeInfo(id));
export const hangup = (c: Chan) => chanEv('Hangup', c, { Cause: '16', 'Cause-txt': 'Normal Clearing' });

/** A res_parking event (ParkedCall, UnParkedCall, …) for `parkee` in `lot`/`space`, as parking_manager.c spells it. */
export const parkEv = (
  event: string,
  parkee: Chan,
  space: string,
  o: { lot?: string; timeout?: number; duration?: number; parker?: string } = {},
) =>
  ev(event, snapshot(parkee, 'Parkee'), {
    ParkerDialString: o.parker ?? 'PJSIP/205',
    Parkinglot: o.lot ?? 'default',
    ParkingSpace: space,
    ParkingTimeout: String(o.timeout ?? 30),
    ParkingDuration: String(o.duration ?? 0),
  });

/** ChanSpyStart / ChanSpyStop (app_chanspy.c): the spyer's and the spyee's snapshots. */
export const spyEv = (event: 'ChanSpyStart' | 'ChanSpyStop', spyer: Chan, spyee: Chan) =>
  ev(event, snapshot(spyer, 'Spyer'), snapshot(spyee, 'Spyee'));
