'use client';
/**
 * The history page's state that lives in its URL: the filters and the call
 * open over them. Read once the page runs in the browser (the server knows
 * neither the URL's query nor the browser's day), and written back with
 * replaceState on each change, so a reload or a shared link shows the same.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { callFromUrl, filtersFromUrl, localDay, pageUrl, type CallRef, type HistoryFilters } from '@/lib/ui/history/query';

export interface UrlState {
  filters: HistoryFilters;
  call: CallRef | null;
}

export function useUrlState(): { state: UrlState | null; today: string; change: (next: UrlState) => void } {
  const [today] = useState(() => localDay(Date.now()));
  const [state, setState] = useState<UrlState | null>(null);
  const written = useRef('');
  useEffect(() => {
    const read = () => {
      const params = new URLSearchParams(location.search);
      written.current = params.toString();
      setState({ filters: filtersFromUrl(params, today), call: callFromUrl(params) });
    };
    read();
    window.addEventListener('popstate', read);
    return () => window.removeEventListener('popstate', read);
  }, [today]);
  const change = useCallback(
    (next: UrlState) => {
      setState(next);
      const query = pageUrl(next.filters, today, next.call).toString();
      if (query === written.current) return;
      written.current = query;
      // Replaced, not pushed: each keystroke of a search is no step back.
      history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}`);
    },
    [today],
  );
  return { state, today, change };
}
