import type { AmiPacket } from './packet';

const CR = 0x0d;
export const END_COMMAND = '--END COMMAND--';
export const FOLLOWS = 'Response: Follows';
/** Headers that may precede the free-text body of a legacy `Response: Follows`. */
const FOLLOWS_HEADERS = new Set(['Response', 'Privilege', 'ActionID', 'Message']);

/**
 * Field maps are instances of a class whose prototype chain ends in null: V8
 * keeps them in fast mode (unlike `Object.create(null)`), and a header named
 * `__proto__` or `constructor` is just an own property.
 */
class Fields {
  [header: string]: string;
}
class Repeated {
  [header: string]: string[];
}
for (const map of [Fields, Repeated]) {
  // Instances find nothing up their chain: no Object.prototype, and no `constructor` on the class's prototype.
  Object.setPrototypeOf(map.prototype, null);
  Reflect.deleteProperty(map.prototype, 'constructor');
}

/** Turns one packet's text (lines, without the closing blank line) into an AmiPacket. */
export function decodePacket(text: string): AmiPacket {
  if (text.startsWith(FOLLOWS)) return decodeFollows(text);
  const fields = new Fields();
  let repeated: Record<string, string[]> | undefined;
  let output: string[] | undefined;
  let pos = 0;
  const len = text.length;
  // The next colon at or after pos; reused so that colon-free lines never rescan the text.
  let colon = -2;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = len;
    const end = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    if (colon !== -1 && colon < pos) colon = text.indexOf(':', pos);
    if (colon !== -1 && colon < end && colon > pos) {
      const key = text.slice(pos, colon);
      const valueStart = text.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
      const value = valueStart >= end ? '' : text.slice(valueStart, end);
      const prior = fields[key];
      if (prior === undefined) {
        fields[key] = value;
      } else {
        repeated ??= new Repeated();
        (repeated[key] ??= [prior]).push(value);
      }
    } else if (end > pos) {
      (output ??= []).push(text.slice(pos, end));
    }
    pos = nl + 1;
  }
  return packetOf(fields, repeated, output);
}

/** A legacy `Response: Follows`: a few headers, then free text (even where a line holds a colon). */
function decodeFollows(text: string): AmiPacket {
  const fields = new Fields();
  let repeated: Record<string, string[]> | undefined;
  const output: string[] = [];
  let inBody = false;
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = len;
    const end = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    const line = text.slice(pos, end);
    pos = nl + 1;
    if (!inBody) {
      const colon = line.indexOf(':');
      const key = colon > 0 ? line.slice(0, colon) : '';
      if (FOLLOWS_HEADERS.has(key)) {
        const value = line.slice(line.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1);
        const prior = fields[key];
        if (prior === undefined) fields[key] = value;
        else ((repeated ??= new Repeated())[key] ??= [prior]).push(value);
        continue;
      }
      inBody = true;
    }
    if (line === END_COMMAND) break;
    // Old Asterisk glued the terminator to output that lacked a final newline.
    if (line.endsWith(END_COMMAND)) {
      output.push(line.slice(0, -END_COMMAND.length));
      break;
    }
    output.push(line);
  }
  return packetOf(fields, repeated, output.length > 0 ? output : undefined);
}

function packetOf(fields: Record<string, string>, repeated: Record<string, string[]> | undefined, output: string[] | undefined): AmiPacket {
  if (repeated === undefined && output === undefined) return { fields };
  const packet: { fields: Record<string, string>; repeated?: Record<string, string[]>; output?: string[] } = { fields };
  if (repeated) packet.repeated = repeated;
  if (output) packet.output = output;
  return packet;
}

/**
 * A packet as the parser emits it: its text, decoded into `fields` only when
 * someone asks. Routing (Event, ActionID, Response) reads single headers with
 * `headerOf`, so packets nobody inspects never cost a field map.
 * Apart from laziness it behaves as a plain `AmiPacket` (also for JSON).
 */
export class LazyPacket implements AmiPacket {
  readonly #text: string;
  #decoded: AmiPacket | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  get fields(): Record<string, string> {
    return (this.#decoded ??= decodePacket(this.#text)).fields;
  }

  get repeated(): Record<string, string[]> | undefined {
    return (this.#decoded ??= decodePacket(this.#text)).repeated;
  }

  get output(): string[] | undefined {
    return (this.#decoded ??= decodePacket(this.#text)).output;
  }

  /** The packet's text as received (lines without the closing blank line). */
  get text(): string {
    return this.#text;
  }

  /** First value of header `key`, without decoding the rest of the packet. */
  header(key: string): string | undefined {
    if (this.#decoded !== undefined) return this.#decoded.fields[key];
    const needle = needleFor(key);
    if (needle === undefined) return undefined;
    const t = this.#text;
    // A Follows body is free text where header-looking lines are no headers: decode properly.
    if (t.startsWith(FOLLOWS)) return this.fields[key];
    let at: number;
    if (t.startsWith(key) && t.charCodeAt(key.length) === 0x3a) {
      at = key.length;
    } else {
      const found = t.indexOf(needle);
      if (found === -1) return undefined;
      at = found + key.length + 1;
    }
    let start = at + 1;
    if (t.charCodeAt(start) === 0x20) start++;
    let nl = t.indexOf('\n', at);
    if (nl === -1) nl = t.length;
    const end = nl > at + 1 && t.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    return start >= end ? '' : t.slice(start, end);
  }

  toJSON(): AmiPacket {
    return toPlainPacket(this);
  }
}

const needles = new Map<string, string>();
/** `\n<key>:`, or undefined for a name that can never be a header (checked once per cached name). */
function needleFor(key: string): string | undefined {
  let needle = needles.get(key);
  if (needle === undefined) {
    // No header name is empty or holds a colon or a line break: the search would misread one.
    if (key === '' || key.includes(':') || key.includes('\n')) return undefined;
    needle = `\n${key}:`;
    if (needles.size < 256) needles.set(key, needle);
  }
  return needle;
}

/** First value of header `key`; cheap on packets from the parser. */
export function headerOf(packet: AmiPacket, key: string): string | undefined {
  return packet instanceof LazyPacket ? packet.header(key) : packet.fields[key];
}

/** A plain-object copy of a packet (for snapshots, logs, deep equality). */
export function toPlainPacket(packet: AmiPacket): AmiPacket {
  const plain: { fields: Record<string, string>; repeated?: Record<string, string[]>; output?: string[] } = {
    fields: { ...packet.fields },
  };
  if (packet.repeated) plain.repeated = Object.fromEntries(Object.entries(packet.repeated).map(([k, v]) => [k, [...v]]));
  if (packet.output) plain.output = [...packet.output];
  return plain;
}
