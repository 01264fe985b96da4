/**
 * Calls are derived, never reported: one row per conversation (Linkedid),
 * built from its channels, the bridges they sit in and the dials between them.
 * Local channel pairs are walked through, so a call between two parties shows
 * those two parties, however many Local legs carry it.
 */
import type { Changes } from './changes';
import { cleanId, deviceOf, isLocal, numberOf } from './fields';
import type { Call, CallDirection, CallParty, CallState, Channel, ParkedCall, PbxState } from './model';
import type { TrunkPredicate } from './trunk';
import { ChannelState } from './states';

const MAX_HOPS = 16;

/** Writes the call rows of every Linkedid touched during this reduction. */
export function flushCalls(ch: Changes): void {
  const touched = ch.takeTouched();
  if (touched === undefined) return;
  for (const linkedId of touched) {
    const ids = ch.callChannels?.get(linkedId) ?? ch.state.calls[linkedId]?.channels ?? [];
    writeCall(ch, linkedId, ids);
  }
  ch.callChannels = undefined;
}

export function writeCall(ch: Changes, linkedId: string, ids: readonly string[]): void {
  const channels: Channel[] = [];
  for (const id of ids) {
    const c = ch.state.channels[id];
    if (c !== undefined) channels.push(c);
  }
  if (channels.length === 0) {
    ch.del('calls', linkedId);
    return;
  }
  const call = deriveCall(ch, linkedId, channels, ch.state.calls[linkedId]);
  ch.put('calls', linkedId, call);
}

/**
 * The call row of one conversation. Parts equal to the previous row are
 * returned as the same objects, so that diffing them costs nothing.
 */
function deriveCall(ch: Changes, linkedId: string, channels: Channel[], prev: Call | undefined): Call {
  const state = ch.state;
  const isTrunk = ch.isTrunk;
  const origin = originOf(linkedId, channels);
  const path = walk(state, origin);
  const end = path.end;

  let queue = prev?.queue ?? '';
  for (const c of channels) if (!queue) queue = c.queue || queueOfApp(c);
  const did = prev?.did || dialledNumber(origin);

  let callState: CallState;
  let to: CallParty;
  const parked = parkedAt(state, origin, end);
  if (parked !== undefined) {
    // In a parking lot (its holding bridge, alone): on hold there, whoever parked it may be gone already.
    callState = 'hold';
    to = { channel: '', name: parked.lot, num: parked.space };
  } else if (path.dangling && prev !== undefined && prev.answeredAt > 0) {
    callState = prev.state;
    to = prev.to;
  } else if (end !== origin && path.answered) {
    callState = channels.some((c) => c.onHold) ? 'hold' : 'talking';
    to = farParty(state, origin, end, did, isTrunk);
  } else if (origin.queue || (localTwin(state, origin)?.queue ?? '')) {
    callState = 'queued';
    to = { channel: '', name: origin.queue || localTwin(state, origin)!.queue, num: did };
  } else if (end !== origin) {
    callState = path.ringing ? 'ringing' : 'dialing';
    to = farParty(state, origin, end, did, isTrunk);
  } else if (origin.state === ChannelState.Up && APPLICATIONS.has(origin.app)) {
    // Answered by the PBX itself: a recording, voicemail, a conference, a redirect to a waiting room.
    callState = 'talking';
    to = { channel: '', name: '', num: cleanId(origin.exten) };
  } else if (prev !== undefined && prev.answeredAt > 0) {
    // Was talking and lost its peer: a transfer in progress or the hangup under way. Keep the row steady.
    callState = prev.state;
    to = prev.to;
  } else {
    callState = 'dialing';
    to = { channel: '', name: '', num: did || cleanId(origin.exten) };
  }

  const ids = sameIds(prev?.channels, channels);
  // Channel names do not change (short of a Rename): the direction only moves with the membership,
  // and a call that was inbound or outbound stays so when its trunk leg hangs up first.
  let direction: CallDirection;
  if (prev !== undefined && (ids === prev.channels || prev.direction !== 'internal')) direction = prev.direction;
  else if (isTrunk(origin.name)) direction = 'inbound';
  else if (channels.some((c) => isTrunk(c.name))) direction = 'outbound';
  else direction = 'internal';

  // Once the originator is gone the call is ending: it keeps its caller.
  const originGone = prev !== undefined && prev.from.channel !== '' && !channels.some((c) => c.id === prev.from.channel);
  const from = originGone ? prev.from : party(origin, cleanId(origin.callerNum) || numberOf(origin.name), cleanId(origin.callerName));

  let startedAt = prev?.startedAt ?? 0;
  if (!startedAt) {
    startedAt = Infinity;
    for (const c of channels) startedAt = Math.min(startedAt, c.startedAt || ch.at);
  }
  const answeredAt = prev?.answeredAt || (callState === 'talking' ? ch.at : 0);

  return {
    id: linkedId,
    direction,
    state: callState,
    from: sameParty(prev?.from, from),
    to: sameParty(prev?.to, to),
    channels: ids,
    queue,
    did,
    startedAt,
    answeredAt,
  };
}

/** The parked call of the originator, or of the party the walk ended at. */
function parkedAt(state: PbxState, origin: Channel, end: Channel): ParkedCall | undefined {
  for (const id in state.parked) {
    const p = state.parked[id];
    if (p.channel === origin.id || p.channel === end.id) return p;
  }
  return undefined;
}

/** Whether a channel running `app` is answered by the PBX itself (a call row shows it as talking). */
export const isPbxApplication = (app: string): boolean => APPLICATIONS.has(app);

/** Applications an answered caller talks to (or listens to), rather than dialplan on its way somewhere. */
const APPLICATIONS = new Set([
  'Wait',
  'Playback',
  'Background',
  'BackGround',
  'MusicOnHold',
  'StartMusicOnHold',
  'Echo',
  'Milliwatt',
  'VoiceMail',
  'VoiceMailMain',
  'ConfBridge',
  'MeetMe',
  'Record',
  'Read',
  'WaitExten',
  'AGI',
  'EAGI',
  'Stasis',
  'SayDigits',
  'SayNumber',
  'Playtones',
  'Page',
  'ChanSpy',
  'ExtenSpy',
  'Park',
  'ParkedCall',
]);

/** A channel running Queue(sales,…) went through queue `sales`, also when we joined after it was answered. */
function queueOfApp(c: Channel): string {
  if (c.app !== 'Queue') return '';
  const comma = c.appData.indexOf(',');
  return comma === -1 ? c.appData : c.appData.slice(0, comma);
}

function sameParty(prev: CallParty | undefined, next: CallParty): CallParty {
  return prev !== undefined && prev.channel === next.channel && prev.name === next.name && prev.num === next.num ? prev : next;
}

function sameIds(prev: string[] | undefined, channels: Channel[]): string[] {
  if (prev !== undefined && prev.length === channels.length) {
    let same = true;
    for (let i = 0; i < prev.length && same; i++) same = prev[i] === channels[i].id;
    if (same) return prev;
  }
  return channels.map((c) => c.id);
}

/** The channel that started the conversation: the one whose Uniqueid is the Linkedid, else the oldest. */
function originOf(linkedId: string, channels: Channel[]): Channel {
  let best = channels[0];
  for (const c of channels) {
    if (c.id === linkedId) return c;
    if (c.startedAt < best.startedAt) best = c;
  }
  return best;
}

interface Path {
  end: Channel;
  /** Every hop went through a bridge: the parties talk. */
  answered: boolean;
  /** The far side of a dial is ringing. */
  ringing: boolean;
  /**
   * The walk stopped at a Local leg that sits alone in its bridge: its far
   * party is moving (a Local optimisation, a transfer), not gone.
   */
  dangling: boolean;
}

/** Follows bridges, dials and Local pairs from the originator to the far party. */
function walk(state: PbxState, origin: Channel): Path {
  const seen: string[] = [origin.id];
  let cur = origin;
  let answered = true;
  let ringing = false;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let next = bridgePeer(state, cur, seen);
    if (next === undefined) {
      const peer = cur.dialPeer ? state.channels[cur.dialPeer] : undefined;
      if (peer === undefined || seen.includes(peer.id)) break;
      next = peer;
      // A dialled channel that is up has answered, and only waits to be bridged.
      if (peer.state !== ChannelState.Up) answered = false;
    }
    seen.push(next.id);
    cur = next;
    if (cur.state === ChannelState.Ringing) ringing = true;
    const twin = localTwin(state, cur);
    if (twin !== undefined && !seen.includes(twin.id)) {
      seen.push(twin.id);
      cur = twin;
      if (cur.state === ChannelState.Ringing) ringing = true;
    }
  }
  const dangling = cur !== origin && isLocal(cur.name) && cur.bridgeId !== '';
  return { end: cur, answered, ringing, dangling };
}

function bridgePeer(state: PbxState, c: Channel, seen: string[]): Channel | undefined {
  if (!c.bridgeId) return undefined;
  const bridge = state.bridges[c.bridgeId];
  if (bridge === undefined) return undefined;
  for (const id of bridge.channels) {
    if (seen.includes(id)) continue;
    const peer = state.channels[id];
    if (peer !== undefined) return peer;
  }
  return undefined;
}

function localTwin(state: PbxState, c: Channel): Channel | undefined {
  return c.localPeer ? state.channels[c.localPeer] : undefined;
}

function party(c: Channel | undefined, num: string, name: string): CallParty {
  return { channel: c?.id ?? '', name, num };
}

function farParty(state: PbxState, origin: Channel, end: Channel, did: string, isTrunk: TrunkPredicate): CallParty {
  if (isTrunk(end.name)) {
    return party(end, did || cleanId(end.connectedNum) || cleanId(end.callerNum), '');
  }
  const num = numberOf(end.name);
  return party(end, num, nameFor(state, origin, end, num));
}

/** A name for the far party: a queue member's name, else a caller ID that carries its number. */
function nameFor(state: PbxState, origin: Channel, end: Channel, num: string): string {
  const device = deviceOf(end.name);
  const withSuffix = `${device}/n`;
  for (const key in state.members) {
    const m = state.members[key];
    if (m.interface === device || m.interface === withSuffix || m.stateInterface === device) return m.name;
  }
  if (cleanId(end.callerNum) === num) return cleanId(end.callerName);
  if (cleanId(origin.connectedNum) === num) return cleanId(origin.connectedName);
  return '';
}

/**
 * The number dialled on entry. A Local channel starts in its own
 * `exten@context`, which is where it comes from rather than what it dialled,
 * so it only counts once the dialplan moved on.
 */
function dialledNumber(origin: Channel): string {
  const exten = origin.exten;
  if (!exten || exten === 's') return '';
  // `Local/<exten>@<context>-…`, compared in place.
  const name = origin.name;
  const at = 6 + exten.length;
  if (
    isLocal(name) &&
    name.startsWith(exten, 6) &&
    name.charCodeAt(at) === 0x40 &&
    name.startsWith(origin.context, at + 1) &&
    name.charCodeAt(at + 1 + origin.context.length) === 0x2d
  ) {
    return '';
  }
  return exten;
}
