/**
 * The `Filter` that keeps events the state engine ignores off the AMI wire.
 *
 * How Asterisk applies it (main/manager.c, Asterisk 22): `Action: Filter`
 * needs the `system` write class; `Operation: Add` with a `Filter:` value is
 * a POSIX extended regex (REG_EXTENDED | REG_NOSUB, no REG_NEWLINE) matched
 * against the whole event text, which always starts `Event: <name>\r\n
 * Privilege: …`. A leading `!` makes it an exclude filter. Filters belong to
 * the manager session and die with it, so they are added again on every
 * connect. An exclude-only set passes every event no exclude matches; a
 * single include filter would turn that into "only what it matches", so
 * this module only ever builds excludes.
 *
 * One anchored alternation rather than one filter per event: older Asterisk
 * runs every regex filter on every event, so one `regexec` that fails after
 * `Event: ` plus a few characters costs the PBX the least. The advanced
 * `MatchCriteria: name(X)` form (hash compare) exists only from Asterisk 21
 * on, and older versions would read its empty `Filter:` as a legacy filter.
 * The character class after the name stands for the `\r` that ends the line
 * (POSIX ERE has no `\r` escape): `Hangup` must not match `HangupRequest`'s
 * filter, and the other way round.
 */
import type { AmiAction } from '@/lib/ami/serialize';

/**
 * Events inside our `Events:` mask (or commonly enabled next to it) that
 * nothing in Callboard reads: the reducer has no handler for them, and
 * neither the session (Reload) nor the action runner (OriginateResponse)
 * needs them. test/server/event-filter.test.ts checks this against the
 * reducer's handler table.
 */
export const IGNORED_EVENTS = [
  'VarSet',
  'HangupRequest',
  'SoftHangupRequest',
  'HangupHandlerPush',
  'HangupHandlerRun',
  'HangupHandlerPop',
  'NewAccountCode',
  'AgentCalled',
  'AgentRingNoAnswer',
  'ChannelTalkingStart',
  'ChannelTalkingStop',
  'DTMFBegin',
  'DTMFEnd',
  'RTCPSent',
  'RTCPReceived',
  'Cdr',
  'Cel',
] as const;

/** The ignored events less those something else reads (the call history reads AgentCalled, HangupRequest and Cdr). */
export function ignoredEvents(read: readonly string[] = []): string[] {
  return IGNORED_EVENTS.filter((name) => !read.includes(name));
}

const EVENT_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** The `Filter:` value excluding these events: `!^Event: (A|B)[^A-Za-z0-9]`. */
export function excludeFilter(names: readonly string[] = IGNORED_EVENTS): string {
  if (names.length === 0) throw new Error('an exclude filter needs at least one event name');
  for (const name of names) {
    // Names become regex source and a header value: nothing but letters and digits.
    if (!EVENT_NAME.test(name)) throw new Error(`not an AMI event name: ${JSON.stringify(name.slice(0, 40))}`);
  }
  return `!^Event: (${names.join('|')})[^A-Za-z0-9]`;
}

export function filterAction(names: readonly string[] = IGNORED_EVENTS): AmiAction {
  return { Action: 'Filter', Operation: 'Add', Filter: excludeFilter(names) };
}

/**
 * Where the filter stands on the current link. `refused`: the manager user
 * lacks `write=system` (or the PBX rejected the filter); Callboard works the
 * same, Asterisk just sends more.
 */
export type EventFilterState = 'off' | 'pending' | 'installed' | 'refused';
