import { AmiSerializeError } from './errors';

/** What may go into one header value: scalars, or a list for a header that repeats (`Variable`). */
export type AmiActionValue = string | number | boolean | readonly string[] | undefined;

export interface AmiAction {
  Action: string;
  [key: string]: AmiActionValue;
}

/**
 * Asterisk reads an action line by line into a 1025-byte buffer and drops a
 * longer line whole; it keeps at most 128 headers per action (manager.c:
 * `inbuf[1025]`, AST_MAX_MANHEADERS). Past either, the action would change meaning.
 */
export const MAX_LINE_BYTES = 1024;
export const MAX_HEADERS = 128;

/** Header names as Asterisk spells them (`ActionID`, `Cause-txt`, `ChanVariable`). */
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** CR or LF would end the header (or the packet) early; NUL truncates it inside Asterisk. */
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;

export function isValidHeaderName(key: string): boolean {
  return key.length <= 128 && HEADER_NAME.test(key);
}

/**
 * Throws `AmiSerializeError` when `value` cannot travel inside one AMI header.
 * Exported so that callers validate user input with the very rule the wire uses.
 */
export function validateHeaderValue(key: string, value: string): void {
  if (FORBIDDEN_IN_VALUE.test(value)) {
    throw new AmiSerializeError('bad-value', key, `AMI header ${key} holds a CR, LF or NUL character`);
  }
}

export function validateHeaderName(key: string): void {
  if (!isValidHeaderName(key)) {
    throw new AmiSerializeError('bad-key', key, `not a valid AMI header name: ${JSON.stringify(key.slice(0, 64))}`);
  }
}

/** The text of an action: `Key: Value` lines and the closing blank line. Undefined values are left out. */
export function serializeActionText(action: AmiAction): string {
  if (typeof action.Action !== 'string' || action.Action === '') {
    throw new AmiSerializeError('missing-action', 'Action', 'an AMI action needs a non-empty Action header');
  }
  let text = '';
  let lines = 0;
  for (const key of Object.keys(action)) {
    const value = action[key];
    if (value === undefined) continue;
    validateHeaderName(key);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      text += headerLine(key, value);
      lines++;
    } else if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item !== 'string') throw badType(key);
        text += headerLine(key, item);
        lines++;
      }
    } else {
      throw badType(key);
    }
    if (lines > MAX_HEADERS) {
      throw new AmiSerializeError('too-many-headers', key, `an AMI action holds at most ${MAX_HEADERS} headers`);
    }
  }
  return text + '\r\n';
}

/** `serializeActionText` as the UTF-8 bytes that go on the socket. */
export function serializeAction(action: AmiAction): Buffer {
  return Buffer.from(serializeActionText(action), 'utf8');
}

function headerLine(key: string, value: string | number | boolean): string {
  const text = String(value);
  validateHeaderValue(key, text);
  const line = `${key}: ${text}\r\n`;
  // Cheap bound first: UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (line.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(line) > MAX_LINE_BYTES) {
    throw new AmiSerializeError('too-long', key, `AMI header ${key} is longer than Asterisk's ${MAX_LINE_BYTES}-byte line`);
  }
  return line;
}

function badType(key: string): AmiSerializeError {
  return new AmiSerializeError('bad-value', key, `AMI header ${key} must be a string, number, boolean or list of strings`);
}
