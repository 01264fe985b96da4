/**
 * One shared 1 s clock for every live duration on the page, corrected by the
 * server's clock offset. Only the cells that show a duration subscribe, so a
 * tick re-renders those cells and nothing else.
 */
import { useSyncExternalStore } from 'react';

let offset = 0;
let now = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();

function tick(): void {
  now = Date.now() + offset;
  for (const l of listeners) l();
  // Align ticks to whole server seconds so every duration turns over together.
  timer = setTimeout(tick, 1000 - (now % 1000) + 5);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) tick();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

/** Server time minus browser time, learnt from each snapshot. */
export function setClockOffset(ms: number): void {
  offset = ms;
  now = Date.now() + offset;
}

const getSnapshot = () => now;
// 0 on the server: durations render as blanks until the browser has a clock.
const getServerSnapshot = () => 0;

/** Server-corrected now, updated once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
