import { isAscii } from 'node:buffer';
import type { AmiPacket } from './packet';
import { END_COMMAND, FOLLOWS, LazyPacket } from './decode';

export { decodePacket } from './decode';

export const DEFAULT_MAX_PACKET_BYTES = 1024 * 1024;

/** Node's undocumented direct decoders: the fastest way from bytes to a string. */
type FastBuffer = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

const LF = 0x0a;
const CR = 0x0d;

/** What ends the unit (greeting line, packet, or skipped packet) being assembled. */
const enum Awaiting {
  Line,
  BlankLine,
  EndCommand,
}

/** Look-back a terminator needs: `--END COMMAND--\r\n`. */
const TAIL = END_COMMAND.length + 2;
/** An unfinished packet grows by at most this much per step, so completing it never copies a whole chunk. */
const PIECE = 1024;
const SMALL_CAPACITY = 4096;
const CR_BYTE = Buffer.from([CR]);

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
 * A chunk is framed as one latin1 string, whose offsets equal byte offsets, so
 * framing never allocates per line. Each packet is then decoded once from its
 * own bytes (latin1 when pure ASCII, else UTF-8), so a character split across
 * chunks is always decoded whole and field strings never pin a whole chunk.
 * Packets come out as `LazyPacket`s: their fields are built on first access.
 *
 * Only a packet that straddles chunks is copied, into one growing buffer, and
 * each of its bytes is scanned once, so input that trickles in byte by byte
 * costs linear time. Past `maxPacketBytes` a packet is dropped and only
 * counted, so memory stays bounded whatever arrives.
 *
 * Handlers may call `reset()`; they must not call `push()` or throw (an
 * exception propagates and the rest of that chunk is lost).
 */
export class AmiParser {
  private readonly maxPacketBytes: number;
  private readonly handlers: AmiParserHandlers;
  private awaitingGreeting: boolean;
  /**
   * The unfinished unit (a packet, or the greeting line), from its first byte.
   * While skipping an oversized packet it holds only the last few bytes, as
   * look-back for the terminator.
   */
  private asm: Buffer = Buffer.allocUnsafe(SMALL_CAPACITY);
  private asmLen = 0;
  /** Bytes of `asm` before this were already scanned and hold no terminator. */
  private scanFrom = 0;
  private skipping = false;
  private skipAwaiting: Awaiting = Awaiting.BlankLine;
  private skippedBytes = 0;
  /** Bumped by reset(), so that a handler's reset stops the framing in progress. */
  private epoch = 0;
  /**
   * The last chunk ended in a CR between packets. Held apart rather than in
   * `asm`, so that an unfinished packet never starts with a blank line.
   */
  private pendingCR = false;

  constructor(handlers: AmiParserHandlers, options: AmiParserOptions = {}) {
    this.handlers = handlers;
    this.maxPacketBytes = Math.max(64, options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES);
    this.awaitingGreeting = options.expectGreeting ?? false;
  }

  /** Bytes held while waiting for the rest of a packet: at most `maxPacketBytes`. */
  get bufferedBytes(): number {
    return this.asmLen;
  }

  /** Forget everything buffered, e.g. when the connection is replaced. */
  reset(expectGreeting = this.awaitingGreeting): void {
    this.epoch++;
    this.pendingCR = false;
    this.clearAsm();
    this.skipping = false;
    this.skippedBytes = 0;
    this.awaitingGreeting = expectGreeting;
  }

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const epoch = this.epoch;
    let offset = 0;
    if (this.pendingCR && buf.length > 0) {
      this.pendingCR = false;
      // CR LF is a blank line between packets; a CR before anything else starts the next packet.
      if (buf[0] === LF) offset = 1;
      else this.append(CR_BYTE, 0, 1);
    }
    // Complete the unfinished unit piece by piece: only bytes up to its terminator are copied.
    while (this.asmLen > 0 && offset < buf.length) {
      const piece = Math.min(PIECE, buf.length - offset);
      this.append(buf, offset, offset + piece);
      const awaiting = this.skipping ? this.skipAwaiting : this.unitAwaiting();
      const end = scanEnd(this.asm, this.scanFrom, this.asmLen, awaiting);
      if (end === -1) {
        offset += piece;
        this.scanFrom = this.asmLen;
        if (this.skipping) {
          this.skippedBytes += piece;
          this.keepTail();
        } else if (this.asmLen > this.maxPacketBytes) {
          this.beginSkip(this.asmLen, awaiting);
        }
        continue;
      }
      const used = piece - (this.asmLen - end);
      offset += used;
      if (this.skipping) {
        const skipped = this.skippedBytes + used;
        this.skipping = false;
        this.skippedBytes = 0;
        this.clearAsm();
        this.handlers.onOversize?.(skipped);
        if (this.epoch !== epoch) return;
        continue;
      }
      this.asmLen = end;
      const unit = this.asm.subarray(0, end);
      const rest = this.frame(unit);
      if (this.epoch !== epoch) return;
      if (this.skipping) continue;
      if (rest === end) {
        this.clearAsm();
      } else {
        // Not finished after all (a Follows packet only ends at --END COMMAND--): keep what is left.
        this.asm.copyWithin(0, rest, end);
        this.asmLen = end - rest;
        this.scanFrom = this.asmLen;
      }
    }
    if (offset >= buf.length) return;
    const rest = offset + this.frame(buf.subarray(offset));
    if (this.epoch !== epoch) return;
    if (rest < buf.length) {
      this.append(buf, rest, buf.length);
      this.scanFrom = this.asmLen;
    }
  }

  /** What the unfinished unit in `asm` waits for. */
  private unitAwaiting(): Awaiting {
    if (this.awaitingGreeting) return Awaiting.Line;
    return this.asmLen >= FOLLOWS.length && startsWithAscii(this.asm, FOLLOWS) ? Awaiting.EndCommand : Awaiting.BlankLine;
  }

  private append(buf: Buffer, start: number, end: number): void {
    const need = this.asmLen + (end - start);
    if (need > this.asm.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.asm.length * 2));
      this.asm.copy(grown, 0, 0, this.asmLen);
      this.asm = grown;
    }
    this.asm.set(buf.subarray(start, end), this.asmLen);
    this.asmLen = need;
  }

  private clearAsm(): void {
    this.asmLen = 0;
    this.scanFrom = 0;
    // Give back the memory of a big packet once it is done.
    if (this.asm.length > 16 * SMALL_CAPACITY) this.asm = Buffer.allocUnsafe(SMALL_CAPACITY);
  }

  /** While skipping, keep only the look-back a terminator needs. */
  private keepTail(): void {
    if (this.asmLen <= TAIL) return;
    this.asm.copyWithin(0, this.asmLen - TAIL, this.asmLen);
    this.asmLen = TAIL;
    this.scanFrom = TAIL;
    if (this.asm.length > 16 * SMALL_CAPACITY) {
      const small = Buffer.allocUnsafe(SMALL_CAPACITY);
      this.asm.copy(small, 0, 0, TAIL);
      this.asm = small;
    }
  }

  /** Drops the unit in `asm` (`bytesSoFar` long) and skips the rest of it as it arrives. */
  private beginSkip(bytesSoFar: number, awaiting: Awaiting): void {
    this.skipping = true;
    this.awaitingGreeting = false;
    // A greeting line that never ends is skipped like a packet: up to a blank line.
    this.skipAwaiting = awaiting === Awaiting.Line ? Awaiting.BlankLine : awaiting;
    this.skippedBytes = bytesSoFar;
    this.keepTail();
  }

  /**
   * Emits every complete unit at the start of `buf` and returns the offset of
   * the first byte that is not part of one. If that remainder alone is over the
   * limit, starts skipping it and returns `buf.length`.
   */
  private frame(buf: Buffer): number {
    const s = (buf as FastBuffer).latin1Slice(0, buf.length);
    const ascii = isAscii(buf);
    const len = s.length;
    const epoch = this.epoch;
    let p = 0;
    // Positions of the next `\n\n` / `\n\r\n` at or after p (-1: none left; -2: not searched yet).
    let lflf = -2;
    let lfcrlf = -2;

    while (p < len) {
      if (this.awaitingGreeting) {
        const nl = s.indexOf('\n', p);
        if (nl === -1) break;
        this.awaitingGreeting = false;
        const end = nl > p && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
        // A banner longer than a packet may be is no banner: it is framed (and skipped) like a packet.
        if (end > p && nl + 1 - p <= this.maxPacketBytes && looksLikeBanner(s, p, end)) {
          this.handlers.onGreeting?.(decodeText(buf, p, end, ascii));
          if (this.epoch !== epoch) return len;
          p = nl + 1;
          continue;
        }
      }
      // Blank lines between packets (the `\r\n\n` habit of some proxies).
      const c = s.charCodeAt(p);
      if (c === LF) {
        p++;
        continue;
      }
      if (c === CR && p + 1 < len && s.charCodeAt(p + 1) === LF) {
        p += 2;
        continue;
      }
      if (c === CR && p + 1 === len) {
        this.pendingCR = true;
        return len;
      }

      let bodyEnd: number;
      let next: number;
      if (s.startsWith(FOLLOWS, p) || (len - p < FOLLOWS.length && FOLLOWS.startsWith(s.slice(p)))) {
        const a = s.indexOf(`${END_COMMAND}\n`, p);
        const b = s.indexOf(`${END_COMMAND}\r\n`, p);
        if (a === -1 && b === -1) break;
        const at = a === -1 ? b : b === -1 ? a : Math.min(a, b);
        next = s.indexOf('\n', at) + 1;
        bodyEnd = next;
      } else {
        if (lflf !== -1 && lflf < p) lflf = s.indexOf('\n\n', p);
        if (lfcrlf !== -1 && lfcrlf < p) lfcrlf = s.indexOf('\n\r\n', p);
        if (lflf === -1 && lfcrlf === -1) break;
        const useLf = lfcrlf === -1 || (lflf !== -1 && lflf < lfcrlf);
        const at = useLf ? lflf : lfcrlf;
        bodyEnd = at + 1;
        next = at + (useLf ? 2 : 3);
      }

      if (next - p > this.maxPacketBytes) {
        this.handlers.onOversize?.(next - p);
      } else {
        this.handlers.onPacket(decodeBytes(buf, p, bodyEnd, ascii));
      }
      if (this.epoch !== epoch) return len;
      p = next;
    }

    if (len - p > this.maxPacketBytes) {
      const awaiting = s.startsWith(FOLLOWS, p) ? Awaiting.EndCommand : Awaiting.BlankLine;
      // `buf` may be a view of `asm` itself; copying within one buffer is safe.
      const tail = buf.subarray(Math.max(p, len - TAIL));
      tail.copy(this.asm, 0);
      this.asmLen = tail.length;
      this.scanFrom = tail.length;
      this.beginSkip(len - p, awaiting);
      return len;
    }
    return p;
  }
}

/**
 * Offset just past the first terminator in `buf[from, to)`, looking back
 * before `from` for its first bytes; -1 when none. A plain byte loop: it sees
 * each byte once however the input is chunked.
 */
function scanEnd(buf: Buffer, from: number, to: number, awaiting: Awaiting): number {
  for (let i = from; i < to; i++) {
    if (buf[i] !== LF) continue;
    if (awaiting === Awaiting.Line) return i + 1;
    let j = i - 1;
    if (awaiting === Awaiting.BlankLine) {
      if (j >= 0 && buf[j] === CR) j--;
      if (j >= 0 && buf[j] === LF) return i + 1;
      continue;
    }
    if (j >= 0 && buf[j] === CR) j--;
    if (j + 1 >= END_COMMAND.length && endsWithEndCommand(buf, j + 1)) return i + 1;
  }
  return -1;
}

function startsWithAscii(buf: Buffer, prefix: string): boolean {
  for (let k = 0; k < prefix.length; k++) if (buf[k] !== prefix.charCodeAt(k)) return false;
  return true;
}

function endsWithEndCommand(buf: Buffer, end: number): boolean {
  const start = end - END_COMMAND.length;
  for (let k = 0; k < END_COMMAND.length; k++) if (buf[start + k] !== END_COMMAND.charCodeAt(k)) return false;
  return true;
}

/** The banner is the one line of the stream that is not a `Key: Value` header. */
function looksLikeBanner(s: string, start: number, end: number): boolean {
  const text = s.slice(start, Math.min(end, start + 128));
  return text.includes('Call Manager/') || !/^[^:\s]+:/.test(text);
}

function decodeText(buf: Buffer, start: number, end: number, ascii: boolean): string {
  const fast = buf as FastBuffer;
  return ascii || isAscii(buf.subarray(start, end)) ? fast.latin1Slice(start, end) : fast.utf8Slice(start, end);
}

function decodeBytes(buf: Buffer, start: number, end: number, ascii: boolean): AmiPacket {
  // Decoding each packet on its own keeps field strings from pinning the whole chunk in memory.
  return new LazyPacket(decodeText(buf, start, end, ascii));
}

/** Parses a whole byte stream at once (tests, transcripts, tools). */
export function parseAll(
  bytes: Uint8Array,
  options: AmiParserOptions = { expectGreeting: true },
): {
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
