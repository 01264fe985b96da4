/** "Monitored by …": who is listening to a call, from the spies the PBX reports (ChanSpyStart/Stop). */
import type { Spy, SpyMode, Table } from '../pbx/model';

const VERB: Record<SpyMode, string> = { listen: 'listening', whisper: 'whispering', barge: 'in the call' };

/** One line for a call row, '' when nobody listens. A string, so a row's selector stays stable between updates. */
export function monitoredBy(spies: Table<Spy> | undefined, callId: string): string {
  if (spies === undefined) return '';
  const who: string[] = [];
  for (const id in spies) {
    const spy = spies[id];
    if (spy.linkedId !== callId) continue;
    const name = spy.spyerName && spy.spyerName !== spy.spyerNum ? `${spy.spyerName} (${spy.spyerNum})` : spy.spyerNum || spy.spyerChannel;
    who.push(`${name}, ${VERB[spy.mode] ?? 'listening'}`);
  }
  return who.length ? `Monitored by ${who.sort().join('; ')}` : '';
}

/** Just who, for the row's narrow cell: "Pia Costa, Ann Lee"; '' when nobody listens. */
export function monitorNames(spies: Table<Spy> | undefined, callId: string): string {
  if (spies === undefined) return '';
  const who: string[] = [];
  for (const id in spies) {
    const spy = spies[id];
    if (spy.linkedId === callId) who.push(spy.spyerName || spy.spyerNum || spy.spyerChannel);
  }
  return who.sort().join(', ');
}
