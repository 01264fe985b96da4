/**
 * What the list's buttons do. Calling back goes through the server
 * (POST …/call), which rings the stored number from the user's own phone
 * with the runner's originate and notes who called back; without a phone of
 * one's own the usual Call dialog opens, prefilled.
 */
import type { Callback } from '@/lib/history/callbacks';
import { openDialog } from '@/lib/ui/dialogs';
import { showToast, updateToast } from '@/lib/ui/toasts';

const path = (c: Callback, what: 'done' | 'reopen' | 'call') =>
  `/api/callbacks/${encodeURIComponent(c.pbx)}/${encodeURIComponent(c.id)}/${what}`;

async function post(url: string): Promise<{ ok: true; message?: string } | { ok: false; message: string }> {
  try {
    const res = await fetch(url, { method: 'POST', credentials: 'same-origin' });
    const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
    return res.ok ? { ok: true, message: body.message } : { ok: false, message: body.error ?? `The server answered ${res.status}` };
  } catch {
    return { ok: false, message: 'The server could not be reached' };
  }
}

export const who = (c: Callback) => (c.name ? `${c.name} (${c.number})` : c.number);

/** A masked number cannot be dialled from the browser: only the server knows it. */
export const masked = (c: Callback) => c.number.includes('•');

export async function callBack(c: Callback, extension: string): Promise<void> {
  if (!extension) {
    openDialog({ kind: 'originate', to: c.number });
    return;
  }
  const toast = showToast({ tone: 'pending', title: `Calling ${who(c)}…`, detail: `Your phone ${extension} rings first` });
  const result = await post(path(c, 'call'));
  updateToast(
    toast,
    result.ok
      ? { tone: 'success', title: `Call to ${who(c)} placed`, detail: 'Mark it done once you have spoken' }
      : { tone: 'error', title: `Call to ${who(c)} failed`, detail: result.message },
  );
}

export async function markDone(c: Callback): Promise<boolean> {
  const result = await post(path(c, 'done'));
  if (result.ok) showToast({ tone: 'success', title: `${who(c)} marked done` });
  else showToast({ tone: 'error', title: `Could not mark ${who(c)} done`, detail: result.message });
  return result.ok;
}

/** The Undo beside a Done: the callback goes back on the list. */
export async function reopen(c: Callback): Promise<boolean> {
  const result = await post(path(c, 'reopen'));
  if (result.ok) showToast({ tone: 'success', title: `${who(c)} is back on the list` });
  else showToast({ tone: 'error', title: `Could not undo ${who(c)}`, detail: result.message });
  return result.ok;
}
