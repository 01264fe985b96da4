import { useSyncExternalStore } from 'react';

/** Live result of a CSS media query; `fallback` during server rendering. */
export function useMediaQuery(query: string, fallback = true): boolean {
  return useSyncExternalStore(
    (cb) => {
      const mq = matchMedia(query);
      mq.addEventListener('change', cb);
      return () => mq.removeEventListener('change', cb);
    },
    () => matchMedia(query).matches,
    () => fallback,
  );
}
