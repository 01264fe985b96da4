/**
 * Which channel a call action acts on. A call row is a conversation, but
 * Asterisk's actions take one channel: the caller's leg for park and
 * redirect, the leg bridged to it (the one that leaves) for a blind
 * transfer, and the answering party's own leg for ChanSpy. Reads the state
 * only; the runner validates before anything is sent.
 */
import type { Call, Channel, PbxState } from '@/lib/pbx/model';

const own = <T>(table: Record<string, T>, id: string): T | undefined => (Object.hasOwn(table, id) ? table[id] : undefined);

export function findCall(state: PbxState, id: string): Call | undefined {
  return own(state.calls, id);
}

/** A channel of `call` by Uniqueid: a channel of another call is not a leg of this one. */
export function legOf(state: PbxState, call: Call, uniqueid: string): Channel | undefined {
  return call.channels.includes(uniqueid) ? own(state.channels, uniqueid) : undefined;
}

/** The caller's leg: the channel the conversation started from. */
export function callerLeg(state: PbxState, call: Call): Channel | undefined {
  return own(state.channels, call.from.channel) ?? call.channels.map((id) => own(state.channels, id)).find((c) => c !== undefined);
}

/** The channel in the same bridge as `leg`: where a transferred or parked party is connected now. */
export function bridgedPeer(state: PbxState, leg: Channel): Channel | undefined {
  const bridge = leg.bridgeId ? own(state.bridges, leg.bridgeId) : undefined;
  const peer = bridge?.channels.find((id) => id !== leg.id);
  return peer === undefined ? undefined : own(state.channels, peer);
}

/** The answering party's leg: the caller's bridged peer, else the far party's channel. */
export function answeringLeg(state: PbxState, call: Call): Channel | undefined {
  const caller = callerLeg(state, call);
  return (caller && bridgedPeer(state, caller)) ?? (call.to.channel ? own(state.channels, call.to.channel) : undefined);
}

/**
 * What ChanSpy is given: the answering party's channel name itself. ChanSpy
 * spies on the first channel whose name begins with its argument, so a
 * device (`PJSIP/202`) would also match `PJSIP/2020-…`, or the agent's other
 * call; the whole name matches exactly the leg on this call.
 */
export function spyTarget(state: PbxState, call: Call, leg: Channel | undefined): Channel | undefined {
  return leg ?? answeringLeg(state, call) ?? (call.to.channel ? own(state.channels, call.to.channel) : undefined);
}
