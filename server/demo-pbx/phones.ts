import { createHash } from 'node:crypto';
import type { PbxCore } from './core';
import type { DeviceState, Header } from './dialect';
import { PHONES, type AgentDef } from './directory';
import { Rng } from './rng';
import type { TimerHandle } from './scheduler';

/**
 * The PJSIP side of the demo PBX, as transcript 08 shows it: one endpoint and AOR
 * per phone (101–116) and agent (201–208), each registering one contact, and the
 * lobby phone 209 with a static contact that is qualified and never answers.
 *
 * Registration churn (a phone unregistering, or going silent until its contact
 * expires, then registering again) draws from its own Rng, seeded from the PBX's
 * seed: the traffic's Rng, and so every seeded test, sees the same numbers as
 * before phones existed. Only phones churn; agents stay registered, so the
 * queues keep the members they had.
 */

export const LOBBY = { exten: '209', name: 'Lobby Phone', uri: 'sip:209@127.0.0.1:5099' } as const;
export const USER_AGENT = 'Grandstream GXP2170 1.0.11.23';
/** The phones' REGISTER Expires (08: Expires 300). */
const EXPIRES_SEC = 300;
/** The phones refresh a little before their registration would expire. */
const REFRESH_SEC = 240;

export interface Contact {
  uri: string;
  /** res_pjsip's contact id suffix: 32 hex digits. */
  hash: string;
  callId: string;
  viaAddr: string;
  viaPort: number;
  /** Simulated-clock ms of the REGISTER that created it. */
  registeredMs: number;
  /** Set when the phone has gone silent: the contact is removed at this ms. */
  expiresAtMs?: number;
}

export interface Endpoint {
  name: string;
  kind: 'phone' | 'agent' | 'lobby';
  contact?: Contact;
}

export interface ChurnOptions {
  /** Default true. Off: every phone stays registered. */
  enabled?: boolean;
  /** Simulated seconds between two phones going away, as [min, max]. Default [120, 300]. */
  every?: [number, number];
  /** Simulated seconds a phone stays away, as [min, max]. Default [30, 120]. */
  away?: [number, number];
}

const DEFAULT_CHURN: Required<ChurnOptions> = { enabled: true, every: [120, 300], away: [30, 120] };

/** DeviceStateChange's words to the EndpointList `DeviceState` words (devicestate.c devstatestring). */
export const DEVICE_STATE_TEXT: Record<DeviceState, string> = {
  UNKNOWN: 'Unknown',
  NOT_INUSE: 'Not in use',
  INUSE: 'In use',
  BUSY: 'Busy',
  INVALID: 'Invalid',
  UNAVAILABLE: 'Unavailable',
  RINGING: 'Ringing',
  RINGINUSE: 'Ring+Inuse',
  ONHOLD: 'On Hold',
};

export class Registrar {
  readonly endpoints = new Map<string, Endpoint>();
  private readonly rng: Rng;
  private readonly churn: Required<ChurnOptions>;
  private nextChurn?: TimerHandle;
  private readonly timers = new Set<TimerHandle>();
  private registrations = 0;

  constructor(
    private readonly core: PbxCore,
    seed: number,
    agents: readonly AgentDef[],
    churn: ChurnOptions = {},
  ) {
    this.rng = new Rng((seed ^ 0x50_4a_53_49) >>> 0);
    this.churn = { ...DEFAULT_CHURN, ...churn };
    for (const p of PHONES) this.endpoints.set(p.exten, { name: p.exten, kind: 'phone' });
    for (const a of agents) if (!this.endpoints.has(a.exten)) this.endpoints.set(a.exten, { name: a.exten, kind: 'agent' });
    this.endpoints.set(LOBBY.exten, { name: LOBBY.exten, kind: 'lobby' });
    for (const e of this.endpoints.values()) core.setOffline(e.name, true, false);
  }

  /**
   * Every phone and agent has registered at boot, before the AMI port opens: no
   * session could hear those events, so none are made (a cold PBX has emitted
   * nothing), and churn starts.
   */
  start(): void {
    for (const e of this.endpoints.values()) if (e.kind !== 'lobby') this.register(e, false);
    for (const e of this.endpoints.values()) this.core.addHint(e.name);
    if (this.churn.enabled) this.scheduleChurn();
  }

  stop(): void {
    this.core.cancel(this.nextChurn);
    this.nextChurn = undefined;
    for (const t of this.timers) this.core.cancel(t);
    this.timers.clear();
  }

  get(name: string): Endpoint | undefined {
    return this.endpoints.get(name);
  }

  isRegistered(name: string): boolean {
    return !!this.endpoints.get(name)?.contact;
  }

  /** The contact's registration is refreshed silently every REFRESH_SEC; this is when the current one runs out. */
  expirationSec(c: Contact): number {
    const now = this.core.now();
    if (c.expiresAtMs !== undefined) return Math.floor(c.expiresAtMs / 1000);
    const refreshes = Math.floor(Math.max(0, now - c.registeredMs) / (REFRESH_SEC * 1000));
    return Math.floor((c.registeredMs + refreshes * REFRESH_SEC * 1000) / 1000) + EXPIRES_SEC;
  }

  /** 08's order for a registration: PeerStatus, ContactStatus NonQualified, then the device. */
  register(e: Endpoint, emit = true): void {
    if (e.kind === 'lobby' || e.contact) return;
    const n = ++this.registrations;
    const ip = e.kind === 'phone' ? `10.0.1.${Number(e.name) - 100}` : `10.0.2.${Number(e.name) - 200}`;
    const uri = `sip:${e.name}@${ip}:5060`;
    e.contact = {
      uri,
      hash: createHash('md5').update(`${uri}#${n}`).digest('hex'),
      callId: `reg-${e.name}-${n}-${this.rng.int(10000, 99999)}@${ip}`,
      viaAddr: ip,
      viaPort: 5060,
      registeredMs: this.core.now(),
    };
    if (!emit) return this.core.setOffline(e.name, false, false);
    this.core.emit('PeerStatus', peerStatus(e.name, 'Reachable'));
    this.core.emit('ContactStatus', contactStatus(uri, 'NonQualified', e.name));
    this.core.setOffline(e.name, false);
  }

  /** 08's order for a removal (REGISTER Expires 0, or the expiry): PeerStatus, the device, ContactStatus Removed. */
  remove(e: Endpoint): void {
    const c = e.contact;
    if (!c) return;
    e.contact = undefined;
    this.core.emit('PeerStatus', peerStatus(e.name, 'Unreachable'));
    this.core.setOffline(e.name, true);
    this.core.emit('ContactStatus', contactStatus(c.uri, 'Removed', e.name));
  }

  private later(seconds: number, fn: () => void): void {
    const t = this.core.after(seconds, () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
  }

  private scheduleChurn(): void {
    const [min, max] = this.churn.every;
    this.nextChurn = this.core.after(this.rng.int(min, max), () => {
      this.churnTick();
      this.scheduleChurn();
    });
  }

  /** A phone that is not on a call goes away: half unregister at once, half stop refreshing and expire. */
  private churnTick(): void {
    const idle = [...this.endpoints.values()].filter(
      (e) => e.kind === 'phone' && e.contact && e.contact.expiresAtMs === undefined && this.core.deviceState(e.name) === 'NOT_INUSE',
    );
    if (idle.length === 0) return;
    const e = this.rng.pick(idle);
    const [min, max] = this.churn.away;
    const away = this.rng.int(min, max);
    const c = e.contact!;
    if (this.rng.chance(0.5)) {
      this.remove(e);
      this.later(away, () => this.register(e));
      return;
    }
    c.expiresAtMs = this.expirationSec(c) * 1000;
    const untilExpiry = Math.max(0, (c.expiresAtMs - this.core.now()) / 1000);
    this.later(untilExpiry, () => {
      if (e.contact === c) this.remove(e);
      this.later(away, () => this.register(e));
    });
  }
}

function peerStatus(endpoint: string, status: 'Reachable' | 'Unreachable'): Header[] {
  return [
    ['ChannelType', 'PJSIP'],
    ['Peer', `PJSIP/${endpoint}`],
    ['PeerStatus', status],
  ];
}

function contactStatus(uri: string, status: string, endpoint: string): Header[] {
  return [
    ['URI', uri],
    ['ContactStatus', status],
    ['AOR', endpoint],
    ['EndpointName', endpoint],
    ['RoundtripUsec', 0],
  ];
}
