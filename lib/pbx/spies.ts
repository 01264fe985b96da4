/**
 * Spies: a channel running ChanSpy (or ExtenSpy) on another, from
 * app_chanspy's ChanSpyStart until its ChanSpyStop or a hangup of either
 * side. The events carry the Spyer and Spyee snapshots but not the options,
 * so the mode is read from the spyer channel's own application data.
 */
import type { Changes } from './changes';
import type { Fields } from './fields';
import type { Channel, Spy, SpyMode } from './model';

const SPY_APPS = new Set(['ChanSpy', 'ExtenSpy']);

export const isSpyApp = (app: string): boolean => SPY_APPS.has(app);

/**
 * The mode ChanSpy's options give (`PJSIP/202,qwE`): `B` barges (app_chanspy
 * tests it before whisper), `w` or `W` (private) whispers, anything else
 * listens. Option arguments in parentheses (`g(grp)`, `r(name)`) are skipped.
 */
export function spyMode(appData: string): SpyMode {
  const comma = appData.indexOf(',');
  if (comma === -1) return 'listen';
  let whisper = false;
  let depth = 0;
  for (let i = comma + 1; i < appData.length; i++) {
    const c = appData[i];
    if (c === ',') break;
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth > 0) continue;
    else if (c === 'B') return 'barge';
    else if (c === 'w' || c === 'W') whisper = true;
  }
  return whisper ? 'whisper' : 'listen';
}

/** The mode the spyer's channel shows, else what we knew, else listen. */
function modeOf(c: Channel | undefined, prev: Spy | undefined): SpyMode {
  if (c !== undefined && isSpyApp(c.app)) return spyMode(c.appData);
  return prev?.mode ?? 'listen';
}

/** ChanSpyStart: the spyer listens to a spyee (a repeat keeps its start; a new spyee starts afresh). */
export function onSpyStart(ch: Changes, f: Fields): void {
  const id = f.SpyerUniqueid;
  const spyee = f.SpyeeUniqueid;
  if (!id || !spyee) return;
  const prev = ch.state.spies[id];
  ch.put('spies', id, {
    spyerChannel: f.SpyerChannel ?? '',
    spyerNum: f.SpyerCallerIDNum ?? '',
    spyerName: f.SpyerCallerIDName ?? '',
    spyee,
    spyeeChannel: f.SpyeeChannel ?? '',
    linkedId: f.SpyeeLinkedid ?? '',
    mode: modeOf(ch.state.channels[id], prev),
    since: prev !== undefined && prev.spyee === spyee ? prev.since : ch.at,
  });
}

/**
 * ChanSpyStop: only for the spyee it names. ChanSpy moving on to the next
 * channel stops the old spyee before it starts the new one, so a stop for
 * another spyee than the current one is late and changes nothing.
 */
export function onSpyStop(ch: Changes, f: Fields): void {
  const id = f.SpyerUniqueid;
  const spy = id ? ch.state.spies[id] : undefined;
  if (spy === undefined) return;
  if (!f.SpyeeUniqueid || f.SpyeeUniqueid === spy.spyee) ch.del('spies', spy.id);
}

/** A channel is gone: no spy by it or on it is left. */
export function endSpiesOf(ch: Changes, uid: string): void {
  if (ch.state.spies[uid] !== undefined) ch.del('spies', uid);
  for (const id in ch.state.spies) if (ch.state.spies[id].spyee === uid) ch.del('spies', id);
}

/** The spyer's application data changed (a Newexten, an answered Originate): the mode may with it. */
export function refreshSpyMode(ch: Changes, uid: string): void {
  const spy = ch.state.spies[uid];
  if (spy !== undefined) ch.put('spies', uid, { mode: modeOf(ch.state.channels[uid], spy) });
}

/**
 * Resync with a channel list. AMI has no list of spies, so the list of
 * channels is the only witness: a spy stays while its spyer is still listed
 * and still runs ChanSpy (its mode read again from the listed options), and
 * while its spyee is still listed; every other spy ended unseen and goes.
 * A spy that started unseen (while the link was down) stays unknown until
 * its next ChanSpyStart.
 */
export function syncSpies(ch: Changes): void {
  for (const id of Object.keys(ch.state.spies)) {
    const spyer = ch.state.channels[id];
    if (spyer === undefined || !isSpyApp(spyer.app) || ch.state.channels[ch.state.spies[id].spyee] === undefined) ch.del('spies', id);
    else refreshSpyMode(ch, id);
  }
}
