'use client';
import { useEffect } from 'react';
import { usePbx } from '@/lib/store';
import { titleWithWaiting } from '@/lib/ui/title';

/** Keeps the tab title at "(N waiting) …", so waiting callers show in a background tab. */
export function WaitingTitle({ base }: { base: string }) {
  // Every PBX this page follows, whichever one is selected: a caller waits on the other one too.
  const waiting = usePbx((s) => s.boards.reduce((n, b) => n + Object.keys(b.state.callers).length, 0));
  useEffect(() => {
    document.title = titleWithWaiting(base, waiting);
  }, [base, waiting]);
  return null;
}
