import type { AmiPacket } from './packet';
import { headerOf } from './decode';

/** An AMI event: a packet with an `Event` header. */
export interface AmiEvent extends AmiPacket {
  readonly fields: Record<string, string> & { readonly Event: string };
}

export function isEvent(packet: AmiPacket): packet is AmiEvent {
  return headerOf(packet, 'Event') !== undefined;
}

export function asEvent(packet: AmiPacket): AmiEvent | undefined {
  return isEvent(packet) ? packet : undefined;
}

/** Narrows an event by name, e.g. `if (isEventNamed(e, 'Hangup')) e.fields.Cause`. */
export function isEventNamed<N extends string>(event: AmiEvent, name: N): event is AmiEvent & { readonly fields: { readonly Event: N } } {
  return headerOf(event, 'Event') === name;
}
