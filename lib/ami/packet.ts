import { headerOf } from './decode';

/**
 * One AMI packet as Asterisk sent it: a block of `Key: Value` lines ended by a
 * blank line. Header names keep Asterisk's own spelling (`BridgeId` in
 * CoreShowChannel, `BridgeID` in Status), because the dialect differs per event.
 *
 * The parser emits `LazyPacket`s (decode.ts), which build these fields on first
 * access; `headerOf(packet, key)` reads one header without building them.
 */
export interface AmiPacket {
  /** Header name to its first value. */
  readonly fields: Record<string, string>;
  /** Only for headers that occurred more than once: every value, in order. */
  readonly repeated?: Record<string, string[]>;
  /**
   * Body lines that are not headers: the output of a legacy
   * `Response: Follows` (without `--END COMMAND--`), or stray lines.
   */
  readonly output?: string[];
}

/** All values of a header, whether it occurred once or many times. */
export function allValues(packet: AmiPacket, key: string): string[] {
  const many = packet.repeated?.[key];
  if (many) return many;
  const one = packet.fields[key];
  return one === undefined ? [] : [one];
}

export function isEvent(packet: AmiPacket): boolean {
  return headerOf(packet, 'Event') !== undefined;
}

/** A Response packet (an OriginateResponse event also carries `Response:`, but is an event). */
export function isResponse(packet: AmiPacket): boolean {
  return headerOf(packet, 'Event') === undefined && headerOf(packet, 'Response') !== undefined;
}
