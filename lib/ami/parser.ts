import type { AmiPacket } from './packet';

export const DEFAULT_MAX_PACKET_BYTES = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const END_COMMAND = '--END COMMAND--';
const FOLLOWS_HEADERS = new Set(['Response', 'Privilege', 'ActionID', 'Message']);
const FOLLOWS_PREFIX = Buffer.from('Response: Follows');

export interface AmiParserHandlers {
  onPacket(packet: AmiPacket): void;
  /** The banner line Asterisk sends before anything else, e.g. `Asterisk Call Manager/11.0.0`. */
  onGreeting?(line: string): void;
  /** A packet grew past the size limit; its bytes were skipped up to the next blank line. */
  onOversize?(bytes: number): void;
}

export interface AmiParserOptions {
  maxPacketBytes?: number;
  /** Set for the client side: the first line of the stream is a banner, not a header. */
  expectGreeting?: boolean;
}

/**
 * Incremental AMI parser over raw bytes.
 *
 * Packets are only decoded once their terminating blank line has arrived, so a
 * UTF-8 character split across TCP chunks is always decoded whole: the
 * terminator is ASCII and can never fall inside a multi-byte sequence.
 */
export class AmiParser {
  private readonly maxPacketBytes: number;
  private readonly handlers: AmiParserHandlers;
  private awaitingGreeting: boolean;
  private pending: Buffer = Buffer.alloc(0);
  /** Skipping an oversized packet until its blank line. */
  private skipping = false;
  private skippedBytes = 0;
  /** Where to resume searching for a line end inside `pending`. */
  private scanFrom = 0;
  /** Start of the current line inside `pending`. */
  private lineStart = 0;
  /** Inside a legacy `Response: Follows` body, where blank lines do not end the packet. */
  private inFollows = false;

  constructor(handlers: AmiParserHandlers, options: AmiParserOptions = {}) {
    this.handlers = handlers;
    this.maxPacketBytes = options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
    this.awaitingGreeting = options.expectGreeting ?? false;
  }

  push(chunk: Uint8Array): void {
    const incoming = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pending = this.pending.length === 0 ? incoming : Buffer.concat([this.pending, incoming]);
    this.drain();
  }

  /** Forget everything buffered, e.g. when the connection is replaced. */
  reset(expectGreeting = this.awaitingGreeting): void {
    this.pending = Buffer.alloc(0);
    this.skipping = false;
    this.skippedBytes = 0;
    this.scanFrom = 0;
    this.lineStart = 0;
    this.inFollows = false;
    this.awaitingGreeting = expectGreeting;
  }

  /** Bytes held while waiting for the rest of a packet. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  private drain(): void {
    const buf = this.pending;
    let packetStart = 0;
    let lineStart = this.lineStart;
    let scan = this.scanFrom;

    for (;;) {
      const nl = buf.indexOf(LF, scan);
      if (nl === -1) break;
      const lineEnd = nl > lineStart && buf[nl - 1] === CR ? nl - 1 : nl;
      const blank = lineEnd === lineStart;

      if (this.awaitingGreeting && packetStart === lineStart && !blank) {
        this.awaitingGreeting = false;
        if (looksLikeBanner(buf, lineStart, lineEnd)) {
          this.handlers.onGreeting?.(buf.toString('utf8', lineStart, lineEnd));
          packetStart = lineStart = scan = nl + 1;
          continue;
        }
      }

      if (this.skipping) {
        this.skippedBytes += nl + 1 - lineStart;
        if (blank) {
          this.skipping = false;
          this.handlers.onOversize?.(this.skippedBytes);
          this.skippedBytes = 0;
        }
        packetStart = lineStart = scan = nl + 1;
        continue;
      }

      if (lineStart === packetStart) {
        if (blank) {
          // Stray blank line between packets (the `\r\n\n` habit of some proxies).
          packetStart = lineStart = scan = nl + 1;
          continue;
        }
        this.inFollows = startsWith(buf, lineStart, lineEnd, FOLLOWS_PREFIX);
      }

      if (this.inFollows) {
        if (lineEnd - lineStart === END_COMMAND.length && buf.toString('latin1', lineStart, lineEnd) === END_COMMAND) {
          this.inFollows = false;
          // The packet still ends at the blank line that follows.
        }
        lineStart = scan = nl + 1;
        if (lineStart - packetStart > this.maxPacketBytes) this.beginSkip(lineStart - packetStart), (packetStart = lineStart);
        continue;
      }

      if (blank) {
        this.handlers.onPacket(decodePacket(buf.toString('utf8', packetStart, lineStart)));
        packetStart = lineStart = scan = nl + 1;
        continue;
      }

      lineStart = scan = nl + 1;
      if (lineStart - packetStart > this.maxPacketBytes) {
        this.beginSkip(lineStart - packetStart);
        packetStart = lineStart;
      }
    }

    // Keep only the unfinished packet. While skipping, keep only the unfinished line.
    let keepFrom = this.skipping ? lineStart : packetStart;
    if (this.skipping && buf.length - lineStart > this.maxPacketBytes) {
      // A single endless line: count it and drop it, keeping memory bounded.
      this.skippedBytes += buf.length - lineStart;
      keepFrom = buf.length;
      lineStart = buf.length;
    } else if (!this.skipping && buf.length - packetStart > this.maxPacketBytes) {
      this.beginSkip(buf.length - packetStart);
      keepFrom = buf.length;
      lineStart = buf.length;
      packetStart = buf.length;
    }
    this.pending = keepFrom >= buf.length ? Buffer.alloc(0) : buf.subarray(keepFrom);
    this.lineStart = lineStart - keepFrom;
    this.scanFrom = Math.max(0, buf.length - keepFrom);
    if (this.lineStart < 0) this.lineStart = 0;
  }

  private beginSkip(bytesSoFar: number): void {
    this.skipping = true;
    this.inFollows = false;
    this.skippedBytes = bytesSoFar;
  }
}

/** The banner is the one line of the stream that is not a `Key: Value` header. */
function looksLikeBanner(buf: Buffer, start: number, end: number): boolean {
  const text = buf.toString('latin1', start, Math.min(end, start + 128));
  return text.includes('Call Manager/') || !/^[^:\s]+:/.test(text);
}

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/** Turns one packet's text (lines, without the closing blank line) into an AmiPacket. */
export function decodePacket(text: string): AmiPacket {
  // A legacy Follows body is free text, even where a line happens to hold a colon.
  const follows = text.startsWith('Response: Follows');
  let inBody = false;
  const fields: Record<string, string> = Object.create(null);
  let repeated: Record<string, string[]> | undefined;
  let output: string[] | undefined;
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = len;
    const end = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    const colon = inBody ? -1 : text.indexOf(':', pos);
    if (follows && !inBody && colon !== -1 && colon < end && !FOLLOWS_HEADERS.has(text.slice(pos, colon))) inBody = true;
    if (inBody || colon === -1 || colon >= end || colon === pos) {
      if (follows) inBody = true;
      const line = text.slice(pos, end);
      if (line !== END_COMMAND) (output ??= []).push(line);
    } else {
      const key = text.slice(pos, colon);
      const valueStart = text.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
      const value = valueStart >= end ? '' : text.slice(valueStart, end);
      const prior = fields[key];
      if (prior === undefined) {
        fields[key] = value;
      } else {
        repeated ??= Object.create(null) as Record<string, string[]>;
        (repeated[key] ??= [prior]).push(value);
      }
    }
    pos = nl + 1;
  }
  const packet: { fields: Record<string, string>; repeated?: Record<string, string[]>; output?: string[] } = { fields };
  if (repeated) packet.repeated = repeated;
  if (output) packet.output = output;
  return packet;
}

/** Parses a whole byte stream at once (tests, transcripts, tools). */
export function parseAll(bytes: Uint8Array, options: AmiParserOptions = { expectGreeting: true }): {
  greeting?: string;
  packets: AmiPacket[];
  oversize: number[];
} {
  const packets: AmiPacket[] = [];
  const oversize: number[] = [];
  let greeting: string | undefined;
  const parser = new AmiParser(
    {
      onPacket: (p) => packets.push(p),
      onGreeting: (line) => (greeting = line),
      onOversize: (n) => oversize.push(n),
    },
    options,
  );
  parser.push(bytes);
  return { greeting, packets, oversize };
}
