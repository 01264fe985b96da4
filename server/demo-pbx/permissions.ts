import { ALL_BITS, CLASS_BITS, type EventClass } from './dialect';

/** manager.conf `read=`/`write=` lists to a bit mask; `all` grants every class. */
export function classMask(classes: readonly string[]): number {
  let mask = 0;
  for (const raw of classes) {
    const c = raw.trim().toLowerCase();
    if (c === 'all') mask |= ALL_BITS;
    else if (c in CLASS_BITS) mask |= CLASS_BITS[c as EventClass];
  }
  return mask;
}

/**
 * Asterisk's strings_to_mask for Login `Events:` and the `Events` action:
 * on/yes/true → everything, off/no/false → nothing, digits → that number,
 * anything else → the classes it lists. Returns -1 when nothing sensible was given.
 */
export function eventMask(value: string): number {
  const v = value.trim();
  if (v === '') return -1;
  if (/^\d+$/.test(v)) return Number(v) & ALL_BITS;
  const lower = v.toLowerCase();
  if (['off', 'no', 'false', 'n', 'f', '0'].includes(lower)) return 0;
  if (['on', 'yes', 'true', 'y', 't', '1'].includes(lower)) return ALL_BITS;
  return classMask(lower.split(','));
}

const SYSTEM = CLASS_BITS.system;
const CALL = CLASS_BITS.call;
const REPORTING = CLASS_BITS.reporting;
const AGENT = CLASS_BITS.agent;

/**
 * Write authority per action, as each registers it in Asterisk 22
 * (main/manager.c, apps/app_queue.c, main/manager_bridges.c, main/manager_channels.c).
 * 0 means any logged-in user may run it. Any one of the listed classes suffices.
 */
export const ACTION_AUTHORITY: Record<string, number> = {
  login: 0,
  logoff: 0,
  challenge: 0,
  ping: 0,
  events: 0,
  listcommands: 0,
  filter: SYSTEM,
  corestatus: SYSTEM | REPORTING,
  coresettings: SYSTEM | REPORTING,
  reload: CLASS_BITS.config | SYSTEM,
  coreshowchannels: SYSTEM | REPORTING,
  status: SYSTEM | CALL | REPORTING,
  hangup: SYSTEM | CALL,
  redirect: CALL,
  blindtransfer: CALL,
  atxfer: CALL,
  park: CALL,
  parkedcalls: CALL,
  command: CLASS_BITS.command,
  originate: CLASS_BITS.originate,
  bridgelist: 0,
  queuestatus: 0,
  queuesummary: 0,
  queuepause: AGENT,
  queueadd: AGENT,
  queueremove: AGENT,
  queuepenalty: AGENT,
  // res_pjsip (location.c, pjsip_options.c, pjsip_configuration.c), res_manager_devicestate.c, extension_state.c.
  pjsipshowendpoints: SYSTEM,
  pjsipshowcontacts: SYSTEM,
  pjsipshowaors: SYSTEM,
  pjsipqualify: SYSTEM | REPORTING,
  devicestatelist: CALL | REPORTING,
  extensionstatelist: CALL | REPORTING,
};
