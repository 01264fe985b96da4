import { readFileSync, readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { AmiParser } from '../../lib/ami/parser';
import type { AmiPacket } from '../../lib/ami/packet';
import { TRANSCRIPTS_DIR as transcriptsDir, repoRoot } from '../fixtures/transcripts';
import { waitFor } from '../support/wait-for';

export { repoRoot, transcriptsDir };

/**
 * A packet as it arrived: its header names in order (the dialect) and their values.
 * The parser fills `fields` in arrival order, so its keys are the header order.
 */
export interface Received {
  names: string[];
  fields: Record<string, string>;
  packet: AmiPacket;
}

/**
 * A bare AMI client for the tests: real TCP, the project's parser, no
 * correlation magic, so what the demo PBX sends is what the test sees.
 */
export class TestAmi {
  greeting?: string;
  readonly packets: Received[] = [];
  closed = false;
  /** Every byte received, as latin1 text. */
  raw = '';
  private readonly socket: Socket;
  private readonly parser: AmiParser;
  private seq = 0;

  private constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.parser = new AmiParser(
      {
        onGreeting: (g) => (this.greeting = g),
        onPacket: (p) => this.packets.push({ names: Object.keys(p.fields), fields: p.fields, packet: p }),
      },
      { expectGreeting: true },
    );
    this.socket.on('data', (chunk: Buffer) => {
      this.raw += chunk.toString('latin1');
      this.parser.push(chunk);
    });
    this.socket.on('close', () => {
      this.closed = true;
    });
    this.socket.on('error', () => {});
  }

  static async connect(port: number): Promise<TestAmi> {
    const c = new TestAmi(port);
    await c.until(() => c.greeting !== undefined, 'greeting');
    return c;
  }

  static async login(port: number, username: string, secret: string, extra: Record<string, string> = {}): Promise<TestAmi> {
    const c = await TestAmi.connect(port);
    const r = await c.send({ Action: 'Login', Username: username, Secret: secret, ...extra });
    if (r.fields.Response !== 'Success') throw new Error(`login failed: ${r.fields.Message}`);
    return c;
  }

  /** Resolves with the first value of `cond` that holds; fails after `ms`. */
  until<T>(cond: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
    return waitFor(cond, what, ms);
  }

  writeRaw(text: string): void {
    this.socket.write(text);
  }

  nextId(): string {
    return `t-${++this.seq}`;
  }

  /** Sends an action (ActionID added unless given) and waits for its Response. */
  async send(fields: Record<string, string | string[]>, ms?: number): Promise<Received> {
    const id = typeof fields.ActionID === 'string' ? fields.ActionID : this.nextId();
    let text = '';
    for (const [k, v] of Object.entries({ ...fields, ActionID: id })) for (const one of [v].flat()) text += `${k}: ${one}\r\n`;
    this.socket.write(`${text}\r\n`);
    return this.until(
      () => this.packets.find((p) => p.fields.ActionID === id && p.fields.Response !== undefined),
      `response to ${fields.Action}`,
      ms,
    );
  }

  /** Sends a list action and returns its start response, its items and the Complete event. */
  async list(fields: Record<string, string>): Promise<{ start: Received; items: Received[]; complete: Received }> {
    const id = this.nextId();
    const start = await this.send({ ...fields, ActionID: id });
    const complete = await this.until(
      () => this.packets.find((p) => p.fields.ActionID === id && p.fields.EventList === 'Complete'),
      `${fields.Action} list`,
    );
    const items = this.packets.filter((p) => p.fields.ActionID === id && p !== start && p !== complete);
    return { start, items, complete };
  }

  events(name?: string): Received[] {
    return this.packets.filter((p) => p.fields.Event !== undefined && (name === undefined || p.fields.Event === name));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Every packet of a transcript, with its header names in order. */
export function readTranscript(text: string): { greeting: string; packets: { names: string[]; fields: Record<string, string> }[] } {
  const blocks = text.split('\r\n\r\n');
  let greeting = '';
  const packets: { names: string[]; fields: Record<string, string> }[] = [];
  for (let block of blocks) {
    if (block.startsWith('Asterisk Call Manager')) {
      greeting = block.slice(0, block.indexOf('\r\n'));
      block = block.slice(block.indexOf('\r\n') + 2);
    }
    if (!block.trim()) continue;
    const names: string[] = [];
    const fields: Record<string, string> = {};
    for (const line of block.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const k = line.slice(0, colon);
      names.push(k);
      if (!(k in fields)) fields[k] = line.slice(colon + 2);
    }
    packets.push({ names, fields });
  }
  return { greeting, packets };
}

/** The transcript-recorded packets, by file name without `.ami`. */
export function loadTranscripts(): Map<string, ReturnType<typeof readTranscript>> {
  const map = new Map<string, ReturnType<typeof readTranscript>>();
  for (const file of readdirSync(transcriptsDir).filter((f) => f.endsWith('.ami'))) {
    map.set(file.replace('.ami', ''), readTranscript(readFileSync(path.join(transcriptsDir, file), 'latin1')));
  }
  return map;
}

/** The recorded response to one ActionID of a transcript. */
export function recordedResponse(t: ReturnType<typeof readTranscript>, actionId: string) {
  const p = t.packets.find((x) => x.fields.ActionID === actionId && x.fields.Response !== undefined);
  if (!p) throw new Error(`no recorded response ${actionId}`);
  return p;
}
