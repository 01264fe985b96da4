'use client';
/** The wallboard's browser-side inputs: its URL, the screen's shape, and which page is up. */
import { useEffect, useState } from 'react';
import { parseWallParams, type WallParams } from '@/lib/ui/wallboard-select';

const NONE: WallParams = { pbx: [], queues: [], rotate: null, charts: false };

/** The URL's choices, read after mount: the server's HTML has no URL to read. */
export function useWallParams(): WallParams {
  const [params, setParams] = useState<WallParams>(NONE);
  useEffect(() => setParams(parseWallParams(location.search)), []);
  return params;
}

/** The screen's aspect (width / height) and height in CSS px, re-read on resize (a TV's browser may start small). */
export function useScreen(): { aspect: number; height: number } {
  const [screen, setScreen] = useState({ aspect: 16 / 9, height: 1080 });
  useEffect(() => {
    const read = () => setScreen({ aspect: innerWidth / Math.max(1, innerHeight), height: innerHeight });
    read();
    addEventListener('resize', read);
    return () => removeEventListener('resize', read);
  }, []);
  return screen;
}

/** The page shown, turning every `seconds` through `count` pages; null seconds: page 0. */
export function usePage(count: number, seconds: number | null): number {
  const [page, setPage] = useState(0);
  useEffect(() => {
    if (seconds === null || count <= 1) return;
    const timer = setInterval(() => setPage((p) => (p + 1) % count), seconds * 1000);
    return () => clearInterval(timer);
  }, [count, seconds]);
  return seconds === null || count <= 1 ? 0 : page % count;
}
