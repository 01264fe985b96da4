/** Reading `GET /api/history` pages, with every failure as a sentence a person can act on. */
import type { CallRecord } from '@/lib/history/record';

export interface HistoryPage {
  calls: CallRecord[];
  next: string | null;
}

export class HistoryFetchError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The server's own words when it sent any (`{error}`), else the status. */
async function reason(res: Response): Promise<string> {
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') return body.error;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return `${res.status} ${res.statusText}`.trim();
}

export async function fetchHistoryPage(query: URLSearchParams, signal: AbortSignal): Promise<HistoryPage> {
  let res: Response;
  try {
    res = await fetch(`/api/history?${query}`, { credentials: 'same-origin', cache: 'no-store', signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new HistoryFetchError('Could not reach the server. Check the connection and try again.', 0);
  }
  if (!res.ok) throw new HistoryFetchError(`The call history did not load: ${await reason(res)}`, res.status);
  const body = (await res.json()) as HistoryPage;
  if (!Array.isArray(body.calls)) throw new HistoryFetchError('The server answered something that is not a page of calls.', res.status);
  return body;
}

/** One record, for a link that names a call; a 404 says the call is not in the history the user may see. */
export async function fetchCall(path: string, signal: AbortSignal): Promise<CallRecord> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', cache: 'no-store', signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new HistoryFetchError('Could not reach the server. Check the connection and try again.', 0);
  }
  if (!res.ok) throw new HistoryFetchError(`This call did not load: ${await reason(res)}`, res.status);
  return (await res.json()) as CallRecord;
}
