/** Sends an action and follows it with one toast: pending, then Asterisk's own answer. */
import type { ActionRequest, ActionResult } from '../protocol';
import { sendAction } from '../store';
import { showToast, updateToast } from './toasts';

export interface ActWords {
  /** "Parking the call…" */
  pending: string;
  /** "Call parked" */
  done: string;
  /** "Park failed" */
  failed: string;
  /** Shown under the pending title, e.g. who the call is with. */
  detail?: string;
}

export async function act(request: ActionRequest, words: ActWords): Promise<ActionResult> {
  const toast = showToast({ tone: 'pending', title: words.pending, detail: words.detail });
  const result = await sendAction(request);
  updateToast(
    toast,
    result.ok
      ? { tone: 'success', title: words.done, detail: result.message }
      : { tone: 'error', title: words.failed, detail: result.message },
  );
  return result;
}
