/**
 * When a call rings or is answered at a user's own phone: the moments a
 * screen-pop opens the user's CRM for. Pure: the component keeps which
 * moments it has popped already and decides what to open.
 */
import { deviceOf } from '../pbx/fields';
import type { Call, PbxState } from '../pbx/model';
import { ChannelState } from '../pbx/states';
import type { ScreenPopValues } from '../preferences';

export type PopMoment = 'ringing' | 'answered';

export interface PopAt {
  /** One per call and moment: `pbx|call|moment`. */
  key: string;
  moment: PopMoment;
  values: ScreenPopValues;
}

/** The user's phone is the device named after their extension, whatever its technology (`PJSIP/201`, `SIP/201`). */
const isOwnDevice = (device: string, extension: string) => !device.startsWith('Local/') && device.endsWith(`/${extension}`);

/**
 * The calls ringing or answered at the user's phone now. A call the user
 * placed is left out: the phone rings first for it too (Originate), and
 * nobody wants their CRM opened on their own outgoing call.
 */
export function popsAt(state: Pick<PbxState, 'channels' | 'calls'>, pbx: string, extension: string): PopAt[] {
  if (!extension) return [];
  const out: PopAt[] = [];
  for (const id in state.calls) {
    const call = state.calls[id];
    if (call.state === 'ended') continue;
    const moment = momentOf(state, call, extension);
    if (!moment) continue;
    out.push({
      key: `${pbx}|${call.id}|${moment}`,
      moment,
      values: {
        callerNum: call.from.num,
        callerName: call.from.name,
        queue: call.queue,
        call: call.id,
        extension,
        pbx,
        did: call.did,
      },
    });
  }
  return out;
}

function momentOf(state: Pick<PbxState, 'channels'>, call: Call, extension: string): PopMoment | null {
  const from = state.channels[call.from.channel];
  if (from && isOwnDevice(deviceOf(from.name), extension)) return null;
  let ringing = false;
  for (const uid of call.channels) {
    const channel = state.channels[uid];
    if (!channel || !isOwnDevice(deviceOf(channel.name), extension)) continue;
    if (channel.state === ChannelState.Up && call.answeredAt > 0) return 'answered';
    if (channel.state === ChannelState.Ringing) ringing = true;
  }
  return ringing ? 'ringing' : null;
}
