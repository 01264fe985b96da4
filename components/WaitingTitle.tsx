'use client';
import { useEffect } from 'react';
import { usePbx } from '@/lib/store';
import { titleWithWaiting } from '@/lib/ui/title';

/** Keeps the tab title at "(N waiting) …", so waiting callers show in a background tab. */
export function WaitingTitle({ base }: { base: string }) {
  const waiting = usePbx((s) => Object.keys(s.state.callers).length);
  useEffect(() => {
    document.title = titleWithWaiting(base, waiting);
  }, [base, waiting]);
  return null;
}
