'use client';
import { useEffect } from 'react';
import { usePbx } from '@/lib/store';
import { countWantingAttention, titleWithAlerts } from '@/lib/ui/alerts';
import { useNow } from '@/lib/ui/clock';
import { titleWithWaiting } from '@/lib/ui/title';

/**
 * Keeps the tab title at "(2) (N waiting) …": the alerts nobody has
 * acknowledged or snoozed, then the waiting callers, readable from a
 * background tab.
 */
export function WaitingTitle({ base }: { base: string }) {
  // Every PBX this page follows, whichever one is selected: a caller waits on the other one too.
  const waiting = usePbx((s) => s.boards.reduce((n, b) => n + Object.keys(b.state.callers).length, 0));
  const now = useNow();
  const alerts = usePbx((s) => countWantingAttention(s.boards, now));
  useEffect(() => {
    document.title = titleWithAlerts(titleWithWaiting(base, waiting), alerts);
  }, [base, waiting, alerts]);
  return null;
}
