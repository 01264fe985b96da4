import fs from 'node:fs';
import { TRANSCRIPTS_DIR as TRANSCRIPT_DIR, transcriptPath } from '../fixtures/transcripts';
export { TRANSCRIPT_DIR };

export function transcriptNames(): string[] {
  return fs
    .readdirSync(TRANSCRIPT_DIR)
    .filter((f) => f.endsWith('.ami'))
    .sort();
}

export function readTranscript(name: string): Buffer {
  return fs.readFileSync(transcriptPath(name));
}

/**
 * The transcript cut into greeting and packet texts with plain string
 * splitting, independently of the parser under test.
 */
export function splitTranscript(bytes: Buffer): { greeting: string; blocks: string[] } {
  const text = bytes.toString('utf8');
  const firstLine = text.indexOf('\r\n');
  const greeting = text.slice(0, firstLine);
  const blocks = text
    .slice(firstLine + 2)
    .split('\r\n\r\n')
    .filter((b) => b.length > 0);
  return { greeting, blocks };
}

/**
 * Header lines of a block, as [key, value] pairs in order.
 *
 * Asterisk 22 ends a few `Message` values with a bare LF before the CRLF
 * (`Message: Park successful\n\r\n\r\n` in 08 and 09). Like Asterisk's own
 * reader, the parser takes LF as a line end, so that LF is not part of the value.
 */
export function blockHeaders(block: string): [string, string][] {
  return block.split('\r\n').map((line) => {
    const text = line.endsWith('\n') ? line.slice(0, -1) : line;
    const colon = text.indexOf(': ');
    return colon === -1 ? [text.slice(0, text.indexOf(':')), ''] : [text.slice(0, colon), text.slice(colon + 2)];
  });
}

/**
 * The raw answer blocks (responses and list items, not OriginateResponse)
 * that Asterisk sent for one recorded ActionID, each ending in a blank line.
 */
export function answersFor(name: string, actionId: string): string[] {
  const { blocks } = splitTranscript(readTranscript(name));
  return blocks
    .filter((b) => blockHeaders(b).some(([k, v]) => k === 'ActionID' && v === actionId))
    .filter((b) => !b.startsWith('Event: OriginateResponse'))
    .map((b) => `${b}\r\n\r\n`);
}

/** Every block of `name` that starts with `Event: <event>`, with its closing blank line. */
export function eventBlocks(name: string, event: string): string[] {
  const { blocks } = splitTranscript(readTranscript(name));
  return blocks.filter((b) => b.startsWith(`Event: ${event}\r\n`)).map((b) => `${b}\r\n\r\n`);
}
