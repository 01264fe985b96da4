/** Who is looking at the page. The server gates pages; a 401 here means the session ended. */
import { createContext, useContext, useEffect, useState } from 'react';
import type { Role } from '../protocol';
import type { ActionKind } from '../grants';

/** What /api/me answers: who is looking, and what they may do and see (the server enforces it regardless). */
export interface Me {
  user: string;
  role: Role;
  demo: boolean;
  /** The actions this user may take: the role's, narrowed by their own list. */
  actions: ActionKind[];
  /** The queues this user is limited to; null for every queue. */
  queues: string[] | null;
  /** The user's own phone; '' when none is set. */
  extension: string;
}

export const canAct = (role: Role | undefined): boolean => role === 'supervisor' || role === 'admin';

export function goToLogin(): void {
  const next = location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
  location.assign(`/login${next}`);
}

/** Fetches /api/me once; sends the browser to /login on a 401. */
export function useMe(): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    let live = true;
    fetch('/api/me', { credentials: 'same-origin', cache: 'no-store' })
      .then(async (res) => {
        if (res.status === 401) return goToLogin();
        if (!res.ok) return;
        const body = (await res.json()) as Me;
        if (live) setMe(body);
      })
      .catch(() => {
        // Server unreachable: the link badge already says so; the socket will retry.
      });
    return () => {
      live = false;
    };
  }, []);
  return me;
}

export async function logout(): Promise<void> {
  try {
    await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
  } finally {
    location.assign('/login');
  }
}

/** The page's `useMe`, for the components under its frame (a tile's click-to-call needs the user's phone). */
export const MeContext = createContext<Me | null>(null);

export const useMeInFrame = (): Me | null => useContext(MeContext);
