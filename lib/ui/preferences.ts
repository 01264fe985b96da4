/** The user's own settings in the browser: read once from the server, saved there, shared by every component. */
import { create } from 'zustand';
import { DEFAULT_PREFERENCES, type Preferences } from '../preferences';

interface PreferenceStore {
  preferences: Preferences;
  /** False until the server answered: nothing sounds or pops on defaults it has not confirmed. */
  loaded: boolean;
}

export const usePreferences = create<PreferenceStore>()(() => ({ preferences: DEFAULT_PREFERENCES, loaded: false }));

export async function loadPreferences(): Promise<void> {
  try {
    const res = await fetch('/api/me/preferences', { credentials: 'same-origin', cache: 'no-store' });
    // A token (a wallboard) has none: the defaults stand, and nothing sounds.
    if (res.ok) usePreferences.setState({ preferences: (await res.json()) as Preferences, loaded: true });
  } catch {
    // The server is unreachable; the link badge says so. Defaults stand: off.
  }
}

/** Saves the whole set; answers the server's sentence when it refused. */
export async function savePreferences(next: Preferences): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const res = await fetch('/api/me/preferences', {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(next),
    });
    const body = (await res.json().catch(() => ({}))) as Preferences & { error?: string };
    if (!res.ok) return { ok: false, message: body.error ?? `The server answered ${res.status}` };
    usePreferences.setState({ preferences: body, loaded: true });
    return { ok: true };
  } catch {
    return { ok: false, message: 'The server could not be reached' };
  }
}
