/**
 * The opaque page cursors of the history and the callback list: the sort
 * key of a page's last row (a time and an id), base64url JSON. A cursor is
 * read back strictly, since it comes from the client.
 */

export function writeCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

/** The cursor's time and id, or null when it is not one this server gave. */
export function readCursor(cursor: string): { at: number; id: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !Number.isSafeInteger(value[0]) ||
    typeof value[1] !== 'string' ||
    value[1].length > 200
  )
    return null;
  return { at: value[0] as number, id: value[1] };
}
