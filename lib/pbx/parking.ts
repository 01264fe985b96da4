/**
 * Parked calls (res_parking): ParkedCall, ParkedCallSwap, UnParkedCall,
 * ParkedCallTimeOut, ParkedCallGiveUp, and the ParkedCalls list. Every one
 * carries the whole parked call (parking_manager.c's parked call string):
 * the Parkee channel snapshot, ParkerDialString, Parkinglot, ParkingSpace,
 * ParkingTimeout (seconds left) and ParkingDuration (seconds parked so far).
 */
import type { Changes } from './changes';
import { int, type Fields } from './fields';
import type { ParkedCall } from './model';
import { parkedId } from './model';

/** The entry `f` describes; the moment it was parked is kept while the same parkee holds the space. */
function parkedFields(f: Fields, at: number, prev: ParkedCall | undefined): Omit<ParkedCall, 'id'> {
  const channel = f.ParkeeUniqueid ?? '';
  // ParkingDuration is whole seconds: recomputing it on every event would move the start by up to a second.
  const parkedAt = prev !== undefined && prev.channel === channel ? prev.parkedAt : at - int(f.ParkingDuration) * 1000;
  return {
    lot: f.Parkinglot ?? '',
    space: f.ParkingSpace ?? '',
    channel,
    channelName: f.ParkeeChannel ?? '',
    callerNum: f.ParkeeCallerIDNum ?? '',
    callerName: f.ParkeeCallerIDName ?? '',
    linkedId: f.ParkeeLinkedid ?? '',
    parker: f.ParkerDialString ?? '',
    parkedAt,
    // ParkingTimeout is the time left (start + limit - now), so the limit is it plus the time spent; with no limit that is 0.
    timeout: Math.max(0, int(f.ParkingTimeout) + int(f.ParkingDuration)),
  };
}

/** Entries of `uid` other than `keep`: a channel is parked in one space at a time. */
function dropOtherSpaces(ch: Changes, uid: string, keep: string): void {
  for (const id of Object.keys(ch.state.parked)) if (id !== keep && ch.state.parked[id].channel === uid) unpark(ch, id);
}

/**
 * ParkedCall, and ParkedCallSwap (another channel takes the parked one's
 * place in the same space, as after an attended transfer to the lot): the
 * space now holds this parkee. A repeat changes nothing.
 */
export function onParked(ch: Changes, f: Fields): void {
  if (!f.Parkinglot || !f.ParkingSpace || !f.ParkeeUniqueid) return;
  const id = parkedId(f.Parkinglot, f.ParkingSpace);
  const prev = ch.state.parked[id];
  dropOtherSpaces(ch, f.ParkeeUniqueid, id);
  if (ch.put('parked', id, parkedFields(f, ch.at, prev))) {
    touchCallOf(ch, f.ParkeeUniqueid);
    // A swap: the channel swapped out is no longer parked.
    if (prev !== undefined && prev.channel !== f.ParkeeUniqueid) touchCallOf(ch, prev.channel);
  }
}

/** A call row shows whether its party is parked: the parkee's call is derived again. */
function touchCallOf(ch: Changes, uid: string): void {
  const c = ch.state.channels[uid];
  if (c !== undefined) ch.touch(c.linkedId);
}

function unpark(ch: Changes, id: string): void {
  const uid = ch.state.parked[id].channel;
  ch.del('parked', id);
  touchCallOf(ch, uid);
}

/**
 * UnParkedCall, ParkedCallTimeOut, ParkedCallGiveUp: the parkee left its
 * space. Only its own entry goes: a late event for a space another parkee
 * holds by now leaves that one alone.
 */
export function onUnparked(ch: Changes, f: Fields): void {
  if (!f.Parkinglot || !f.ParkingSpace || !f.ParkeeUniqueid) return;
  const id = parkedId(f.Parkinglot, f.ParkingSpace);
  if (ch.state.parked[id]?.channel === f.ParkeeUniqueid) unpark(ch, id);
  else dropOtherSpaces(ch, f.ParkeeUniqueid, id);
}

/** The channel is gone: it is parked nowhere (its UnParkedCall or GiveUp may have been missed). */
export function unparkChannel(ch: Changes, uid: string): void {
  for (const id in ch.state.parked) {
    if (ch.state.parked[id].channel === uid) {
      unpark(ch, id);
      return;
    }
  }
}

/** The ParkedCalls list: every parked call, in every lot. Entries it does not list are over. */
export function syncParked(ch: Changes, items: Fields[]): void {
  const listed = new Map<string, Fields>();
  for (const f of items) if (f.Parkinglot && f.ParkingSpace && f.ParkeeUniqueid) listed.set(parkedId(f.Parkinglot, f.ParkingSpace), f);
  for (const id of Object.keys(ch.state.parked)) if (!listed.has(id)) unpark(ch, id);
  for (const [id, f] of listed) {
    const prev = ch.state.parked[id];
    if (!ch.put('parked', id, parkedFields(f, ch.at, prev))) continue;
    touchCallOf(ch, f.ParkeeUniqueid);
    if (prev !== undefined && prev.channel !== f.ParkeeUniqueid) touchCallOf(ch, prev.channel);
  }
}
