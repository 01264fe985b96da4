/**
 * The embedded demo PBX: a real TCP AMI server speaking Asterisk 22's dialect
 * (see dialect.ts and ../shared/ami-transcripts), with seeded lively traffic,
 * the actions a dashboard uses, manager.conf-style permissions, a load mode for
 * benchmarks and fault hooks for tests. It plays Asterisk, so it keeps its own
 * state (core.ts) and never imports lib/pbx.
 *
 *   const pbx = await startDemoPbx({ seed: 1 });
 *   // connect any AMI client to pbx.host:pbx.port as pbx.users[0]
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { z } from 'zod';
import { DEFAULT_TIMING, Dialplan, type Timing } from './dialplan';
import { PbxCore } from './core';
import { formatEvent } from './dialect';
import { demoDirectory, type AgentDef, type QueueDef } from './directory';
import { LoadGenerator, type LoadOptions } from './load';
import { demoPbxOptionsSchema } from './options';
import { AmiSession, type ManagerUser, type SessionHost } from './session';
import { Registrar, type ChurnOptions } from './phones';
import { Traffic, type TrafficOptions } from './traffic';

export type { ManagerUser } from './session';
export type { TrafficOptions } from './traffic';
export type { LoadOptions } from './load';
export type { AgentDef, QueueDef } from './directory';
export type { Timing } from './dialplan';
export type { ChurnOptions } from './phones';

export interface DemoPbxOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Same seed, same sequence of calls. Default: random. */
  seed?: number;
  /** Default: one user `callboard` with a random secret, read=all write=all. */
  users?: ManagerUser[];
  traffic?: TrafficOptions;
  /** Benchmark load. Regular traffic stays off in load mode unless `traffic.enabled` says otherwise. */
  load?: LoadOptions;
  queues?: QueueDef[];
  agents?: AgentDef[];
  /** How the simulated phones behave, in simulated seconds. */
  timing?: Partial<Timing>;
  /** Simulated time runs this many times faster than the clock (tests). Default 1. */
  speed?: number;
  /**
   * A warm start: before the AMI port opens, this many simulated minutes of
   * traffic run at once, so queue statistics, members' calls and device states
   * are those of a PBX that has been busy for a while. Default: a cold start.
   */
  warmup?: { minutes: number };
  /**
   * Phones (101–116) now and then unregister, or let their contact expire, and
   * register again, in simulated seconds, from their own seeded Rng. Default: on,
   * one phone every 120–300 s, away for 30–120 s. Agents never churn.
   */
  registrations?: ChurnOptions;
}

export interface DemoPbxSnapshot {
  channels: number;
  calls: number;
  bridges: number;
  queueCallers: number;
  sessions: number;
  events: number;
  uptimeSec: number;
}

export interface DemoPbxFaults {
  /** Drop every client connection at once. */
  dropAll(): void;
  /** A fresh PBX: clients are dropped, every channel is gone, uptime starts over. */
  restart(): void;
  /** Stop writing (and answering, Ping included) while keeping sockets open. */
  stall(on: boolean): void;
  /** Delay every write by this many ms; 0 restores normal writes. */
  slowWrites(delayMs: number): void;
  /** Write half of the next packet to every client, then close. */
  cutMidPacket(): void;
}

export interface DemoPbx {
  readonly host: string;
  readonly port: number;
  readonly users: ManagerUser[];
  readonly faults: DemoPbxFaults;
  close(): Promise<void>;
  /** Every byte clients sent since start, as latin1 text (injection tests). */
  received(): string;
  snapshot(): DemoPbxSnapshot;
  /** Pause/resume traffic or change its rate at runtime. */
  setTraffic(options: TrafficOptions): void;
  /** Starts one random call now, whatever the traffic settings (tests, demos). */
  placeCall(): void;
  /** A phone's own doings, in 08's event order: false when there is no such phone or nothing to do. */
  readonly phones: {
    /** The phone sends REGISTER with Expires 0. */
    unregister(exten: string): boolean;
    /** The phone registers again. */
    register(exten: string): boolean;
  };
}

const MAX_RECORDED = 16 * 1024 * 1024;

class DemoPbxHost implements SessionHost {
  core!: PbxCore;
  plan!: Dialplan;
  registrar!: Registrar;
  traffic!: Traffic;
  load?: LoadGenerator;
  stalled = false;
  writeDelayMs = 0;
  readonly sessions = new Set<AmiSession>();
  private readonly recorded: Buffer[] = [];
  private recordedBytes = 0;
  private trafficOptions: TrafficOptions;
  private readonly seed: number;
  /** The default two queues, or more with CALLBOARD_DEMO_QUEUES=N (up to 12) for a wallboard with many. */
  private readonly directory = demoDirectory(Number(process.env.CALLBOARD_DEMO_QUEUES ?? 2));

  constructor(
    private readonly options: DemoPbxOptions,
    readonly users: ManagerUser[],
  ) {
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.trafficOptions = { ...(options.load ? { enabled: false } : {}), ...options.traffic };
    this.boot((options.warmup?.minutes ?? 0) * 60);
  }

  /** `warmupSec` > 0 for the first boot only: a restart is a fresh PBX. */
  private boot(warmupSec = 0): void {
    this.core = new PbxCore({
      seed: this.seed,
      speed: this.options.speed ?? 1,
      warmupSec,
      queues: this.options.queues ?? this.directory.queues,
      agents: this.options.agents ?? this.directory.agents,
      emit: (ev) => {
        for (const s of this.sessions) s.deliver(ev);
      },
    });
    const agents = this.options.agents ?? this.directory.agents;
    // Before the dialplan listens for idle devices: the boot registrations must not schedule anything.
    this.registrar = new Registrar(this.core, this.seed, agents, this.options.registrations);
    this.registrar.start();
    this.plan = new Dialplan(this.core);
    this.plan.timing = { ...DEFAULT_TIMING, ...this.options.timing };
    this.traffic = new Traffic(this.core, this.plan, this.trafficOptions);
    if (this.options.load) this.load = new LoadGenerator(this.core, this.plan, this.options.load);
    this.core.warmUp();
  }

  shutdown(): void {
    this.traffic.stop();
    this.registrar.stop();
    this.load?.stop();
    this.core.stopTimers();
  }

  /** Like `core restart now`: a Shutdown event, every session closed, then a fresh PBX. */
  restart(): void {
    this.core.emit('Shutdown', [
      ['Shutdown', 'Cleanly'],
      ['Restart', 'True'],
    ]);
    for (const s of [...this.sessions]) s.end();
    this.sessions.clear();
    this.shutdown();
    this.boot();
  }

  setTraffic(options: TrafficOptions): void {
    this.trafficOptions = { ...this.trafficOptions, ...options };
    this.traffic.set(options);
  }

  accept(socket: Socket): void {
    this.sessions.add(new AmiSession(this, socket));
  }

  dropAll(): void {
    for (const s of [...this.sessions]) s.drop();
    this.sessions.clear();
  }

  stall(on: boolean): void {
    this.stalled = on;
    if (!on) for (const s of this.sessions) s.resume();
  }

  cutMidPacket(): void {
    const probe = formatEvent(
      'DeviceStateChange',
      [
        ['Device', 'PJSIP/101'],
        ['State', 'NOT_INUSE'],
      ],
      this.core.now(),
    ).text;
    for (const s of [...this.sessions]) s.cutMidPacket(probe);
    this.sessions.clear();
  }

  findUser(username: string): ManagerUser | undefined {
    return this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  record(chunk: Buffer): void {
    if (this.recordedBytes >= MAX_RECORDED) return;
    this.recorded.push(chunk);
    this.recordedBytes += chunk.length;
  }

  received(): string {
    return Buffer.concat(this.recorded).toString('latin1');
  }

  closed(session: AmiSession): void {
    this.sessions.delete(session);
  }
}

export async function startDemoPbx(options: DemoPbxOptions = {}): Promise<DemoPbx> {
  const checked = demoPbxOptionsSchema.safeParse(options);
  if (!checked.success) throw new Error(`startDemoPbx: ${z.prettifyError(checked.error)}`);
  const users = options.users ?? [{ username: 'callboard', secret: randomBytes(12).toString('hex'), read: ['all'], write: ['all'] }];
  const host = new DemoPbxHost(options, users);
  const server: Server = createServer((socket) => host.accept(socket));
  const bindHost = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors after listening (a client reset mid-accept, EMFILE) must not crash the host process.
  // The demo PBX is also a standalone tool without a logger: stderr is its log.
  // eslint-disable-next-line no-console
  server.on('error', (err) => console.error('demo-pbx: server error', err));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closing: Promise<void> | undefined;

  return {
    host: bindHost,
    port,
    users,
    faults: {
      dropAll: () => host.dropAll(),
      restart: () => host.restart(),
      stall: (on) => host.stall(on),
      slowWrites: (delayMs) => {
        host.writeDelayMs = Math.max(0, delayMs || 0);
      },
      cutMidPacket: () => host.cutMidPacket(),
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        host.shutdown();
        host.dropAll();
        server.close(() => resolve());
      });
      return closing;
    },
    received: () => host.received(),
    snapshot: () => {
      const core = host.core;
      return {
        channels: core.channels.size,
        calls: core.callCount(),
        bridges: core.bridges.size,
        queueCallers: [...core.queues.values()].reduce((n, q) => n + q.callers.length, 0),
        sessions: host.sessions.size,
        events: core.eventsEmitted,
        uptimeSec: Math.floor((core.now() - core.bootMs) / 1000),
      };
    },
    setTraffic: (t) => host.setTraffic(t),
    placeCall: () => host.traffic.startCall(),
    phones: {
      unregister: (exten) => {
        const e = host.registrar.get(exten);
        if (!e?.contact) return false;
        host.registrar.remove(e);
        return true;
      },
      register: (exten) => {
        const e = host.registrar.get(exten);
        if (!e || e.contact || e.kind === 'lobby') return false;
        host.registrar.register(e);
        return true;
      },
    },
  };
}
