import { createHash } from 'node:crypto';
import type { AmiAction } from './serialize';

/**
 * Which event classes the session receives: all, none, or a list of classes
 * (`['call', 'agent', 'system']`), as in manager.conf's `read=`.
 */
export type AmiEventsMask = 'on' | 'off' | readonly string[];

export type AmiAuthType = 'plain' | 'md5';

export interface AmiCredentials {
  username: string;
  secret: string;
  /** `md5` (default) keeps the secret off the wire by answering a challenge. */
  authType?: AmiAuthType;
  events?: AmiEventsMask;
}

const EVENT_CLASS = /^[a-z]+$/i;

export function eventsHeader(mask: AmiEventsMask = 'on'): string {
  if (mask === 'on' || mask === 'off') return mask;
  if (mask.length === 0) return 'off';
  for (const c of mask) if (!EVENT_CLASS.test(c)) throw new Error(`not an AMI event class: ${JSON.stringify(c)}`);
  return mask.join(',');
}

export function challengeAction(): AmiAction {
  return { Action: 'Challenge', AuthType: 'MD5' };
}

/** Asterisk checks `md5(challenge + secret)`, hex, lower case (manager.c, authenticate()). */
export function md5Key(challenge: string, secret: string): string {
  return createHash('md5')
    .update(challenge + secret)
    .digest('hex');
}

/** The Login action; pass the `Challenge` Asterisk sent for MD5, nothing for plain text. */
export function loginAction(credentials: AmiCredentials, challenge?: string): AmiAction {
  const events = eventsHeader(credentials.events);
  if (challenge === undefined) {
    return { Action: 'Login', Username: credentials.username, Secret: credentials.secret, Events: events };
  }
  return {
    Action: 'Login',
    AuthType: 'MD5',
    Username: credentials.username,
    Key: md5Key(challenge, credentials.secret),
    Events: events,
  };
}

/** `Asterisk Call Manager/11.0.0` → `11.0.0`. */
export function amiVersionOf(greeting: string): string | undefined {
  return /\/\s*(\d+(?:\.\d+)*)/.exec(greeting)?.[1];
}
