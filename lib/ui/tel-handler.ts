/** Callboard as the browser's handler for tel: links (a click on one elsewhere opens /call?to=…). */
import { showToast } from './toasts';

export function telHandlerSupported(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.registerProtocolHandler === 'function';
}

export function registerTelHandler(): void {
  try {
    // The browser asks the user to confirm; it allows this only over HTTPS or on localhost.
    navigator.registerProtocolHandler('tel', `${location.origin}/call?to=%s`);
    showToast({ tone: 'info', title: 'Asked the browser', detail: 'Confirm in the bar at the top of the window, if it asks.' });
  } catch (err) {
    showToast({
      tone: 'error',
      title: 'The browser refused',
      detail: err instanceof Error ? err.message : 'It allows this only over HTTPS or on localhost',
    });
  }
}
