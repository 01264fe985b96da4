/**
 * How a recorded Asterisk call and a demo PBX call are made comparable.
 *
 * The recording PBX has no phones: every party is a Local channel pair, and its
 * dialplan is not ours. What we drop, and why:
 * - `LocalBridge` and every event on a `;2` leg: Local channel plumbing. A PJSIP
 *   party is one channel, which plays the `;1` leg's part.
 * - Dialplan-class events (Newexten, VarSet, HangupHandlerPush/Run): how many and
 *   where depends on each dialplan's applications, not on Asterisk's call model.
 * - DeviceStateChange, ExtensionStatus, QueueMemberStatus: device-level, and the
 *   devices differ (Local and Custom: hints there, PJSIP endpoints here).
 * - Newstate to Ringing (5): whether a dialled leg reports ringing depends on the
 *   far end (a PJSIP phone sends 180 Ringing; the recording's Local agents do not).
 * - OriginateResponse: its place races the originated channel's own thread (02
 *   shows it both before and after QueueCallerJoin).
 * - Anything about a channel after its Hangup: a Local `;1` leg can still publish
 *   the `;2` side's late NewConnectedLine (02, the agent that lost the ringall);
 *   a single PJSIP channel cannot.
 * Kept, in order: every other event of the call, named by the role of the channel
 * it is about (caller, answerer, other), which must match exactly.
 */
export interface Ev {
  fields: Record<string, string>;
}

const DROP = new Set([
  'LocalBridge',
  'Newexten',
  'VarSet',
  'HangupHandlerPush',
  'HangupHandlerRun',
  'DeviceStateChange',
  'ExtensionStatus',
  'QueueMemberStatus',
  'OriginateResponse',
]);

const LIST_ITEMS = new Set([
  'CoreShowChannel',
  'CoreShowChannelsComplete',
  'QueueParams',
  'QueueMember',
  'QueueEntry',
  'QueueStatusComplete',
  'BridgeListItem',
  'BridgeListComplete',
  'Status',
  'StatusComplete',
]);

const isLocal2 = (name: string | undefined) => !!name && name.endsWith(';2');

export function kept(e: Ev): boolean {
  const f = e.fields;
  const name = f.Event;
  if (!name || DROP.has(name) || LIST_ITEMS.has(name)) return false;
  if (isLocal2(f.Channel) || (f.Channel === undefined && isLocal2(f.DestChannel))) return false;
  if (name === 'Newstate' && f.ChannelState === '5') return false;
  return true;
}

/** Events of the call whose first channel has this Uniqueid (Linkedid), bridges included. */
export function callEvents(events: Ev[], linkedid: string): Ev[] {
  const bridges = new Set<string>();
  for (const e of events) if (e.fields.Event === 'BridgeEnter' && e.fields.Linkedid === linkedid) bridges.add(e.fields.BridgeUniqueid);
  return events.filter((e) => {
    const f = e.fields;
    if (f.Linkedid === linkedid || f.DestLinkedid === linkedid) return true;
    return f.Channel === undefined && f.DestChannel === undefined && f.BridgeUniqueid !== undefined && bridges.has(f.BridgeUniqueid);
  });
}

/**
 * The call as `Event(role)` strings. Roles: `caller` is the call's first channel,
 * `answerer` the channel that was connected to it (DialEnd ANSWER), `other<n>`
 * any further leg (a ringall member that lost), numbered by first appearance.
 */
export function roleSequence(events: Ev[]): string[] {
  const gone = new Set<string>();
  const call = events.filter(kept).filter((e) => {
    const f = e.fields;
    if (f.Channel !== undefined && gone.has(f.Channel)) return false;
    if (f.Event === 'Hangup') gone.add(f.Channel);
    return true;
  });
  const first = call.find((e) => e.fields.Event === 'Newchannel');
  const caller = first?.fields.Channel;
  const answerer = call.find((e) => e.fields.Event === 'DialEnd' && e.fields.DialStatus === 'ANSWER' && e.fields.Channel !== undefined)
    ?.fields.DestChannel;
  const others = new Map<string, string>();
  const role = (ch: string | undefined): string => {
    if (ch === undefined) return '';
    if (ch === caller) return 'caller';
    if (ch === answerer) return 'answerer';
    if (!others.has(ch)) others.set(ch, `other${others.size + 1}`);
    return others.get(ch)!;
  };
  return call.map((e) => {
    const f = e.fields;
    const who = [role(f.Channel), role(f.DestChannel)].filter(Boolean).join('>');
    return `${f.Event}(${who})`;
  });
}
