'use client';
/**
 * Opens the user's CRM when a call rings or is answered at their own phone,
 * from the URL template in their preferences: in a new tab, or as a link in a
 * toast (also when the browser blocks the tab, which it may do for a tab no
 * click opened).
 */
import { useEffect, useRef } from 'react';
import { expandTemplate } from '@/lib/preferences';
import { usePbx } from '@/lib/store';
import { popsAt } from '@/lib/ui/screen-pop';
import { usePreferences } from '@/lib/ui/preferences';
import { useMeInFrame } from '@/lib/ui/session';
import { showToast } from '@/lib/ui/toasts';

/** Moments remembered against popping twice; a phone has far fewer calls than this in a shift's memory. */
const REMEMBERED = 500;

export function ScreenPop() {
  const me = useMeInFrame();
  const pop = usePreferences((s) => s.preferences.screenPop);
  const boards = usePbx((s) => s.boards);
  const seen = useRef<Set<string> | null>(null);
  const extension = me?.extension ?? '';

  useEffect(() => {
    if (!pop || !extension || boards.length === 0 || !boards.every((b) => b.ready)) return;
    const now = boards.flatMap((b) => popsAt(b.state, b.id, extension));
    // What already rang when the page opened was not announced by this page: a reload must not open the CRM again.
    if (seen.current === null) {
      seen.current = new Set(now.map((p) => p.key));
      return;
    }
    for (const at of now) {
      if (seen.current.has(at.key)) continue;
      seen.current.add(at.key);
      if (seen.current.size > REMEMBERED) seen.current.delete(seen.current.values().next().value!);
      if (at.moment !== pop.on) continue;
      const href = expandTemplate(pop.url, at.values);
      const who = at.values.callerName || at.values.callerNum || 'A caller';
      // With noopener the browser answers null even when it opened the tab, so the toast's link is always there.
      if (pop.open === 'tab') window.open(href, '_blank', 'noopener,noreferrer');
      showToast({
        tone: 'info',
        title: `${who} ${at.moment === 'ringing' ? 'is ringing' : 'answered'} at ${extension}`,
        detail: at.values.queue ? `Queue ${at.values.queue}` : undefined,
        link: { href, label: 'Open in the CRM' },
      });
    }
  }, [boards, pop, extension]);

  return null;
}
