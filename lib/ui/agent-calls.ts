/**
 * Who each agent is talking to: the call that one of the agent's channels is
 * on, found by device (`PJSIP/202-0000001a` is device `PJSIP/202`; a Local
 * member `Local/2001@agents/n` is device `Local/2001@agents`). Pure, so the
 * agent cards and the agent panel read the same answer.
 */
import { deviceOf } from '../pbx/fields';
import type { Call, CallParty, PbxState } from '../pbx/model';

export interface AgentCall {
  call: Call;
  /** The party on the other end from the agent. */
  other: CallParty;
}

/** A member interface as the device its channels are named after. */
export function agentDevice(iface: string): string {
  return iface.startsWith('Local/') ? iface.replace(/\/n$/, '') : iface;
}

const rank = (call: Call) => (call.answeredAt > 0 ? 2 : call.state === 'ringing' ? 1 : 0);

/** Per agent device, its current call; an answered call wins over one that only rings. */
export function agentCalls(state: Pick<PbxState, 'channels' | 'calls'>): Map<string, AgentCall> {
  const out = new Map<string, AgentCall>();
  for (const id in state.calls) {
    const call = state.calls[id];
    if (call.state === 'ended') continue;
    const fromDevice = deviceOfChannel(state, call.from.channel);
    for (const uid of call.channels) {
      const channel = state.channels[uid];
      if (channel === undefined) continue;
      const device = deviceOf(channel.name);
      const held = out.get(device);
      if (held !== undefined && (held.call === call || rank(held.call) >= rank(call))) continue;
      out.set(device, { call, other: device === fromDevice ? call.to : call.from });
    }
  }
  return out;
}

function deviceOfChannel(state: Pick<PbxState, 'channels'>, uid: string): string {
  const channel = uid ? state.channels[uid] : undefined;
  return channel === undefined ? '' : deviceOf(channel.name);
}
