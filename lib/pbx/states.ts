/**
 * Asterisk's numeric states, by name. The numbers are what AMI sends, so the
 * state engine, the UI and the demo PBX (which plays Asterisk) share them.
 */

/** `ast_channel_state` (include/asterisk/channelstate.h): the `ChannelState` header of channel events. */
export const ChannelState = {
  Down: 0,
  Reserved: 1,
  OffHook: 2,
  Dialing: 3,
  /** The caller's side of an outgoing dial: it hears ringback. */
  Ring: 4,
  /** The called side: its phone is ringing. */
  Ringing: 5,
  Up: 6,
  Busy: 7,
  DialingOffhook: 8,
  PreRing: 9,
} as const;
export type ChannelStateCode = (typeof ChannelState)[keyof typeof ChannelState];

/** `ast_device_state` (include/asterisk/devicestate.h): the numeric `Status` of `QueueMember` and `QueueMemberStatus`. */
export const DeviceStatus = {
  Unknown: 0,
  NotInUse: 1,
  InUse: 2,
  Busy: 3,
  Invalid: 4,
  Unavailable: 5,
  Ringing: 6,
  RingInUse: 7,
  OnHold: 8,
} as const;
export type DeviceStatusCode = (typeof DeviceStatus)[keyof typeof DeviceStatus];
