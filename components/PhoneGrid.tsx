'use client';
/**
 * The switchboard's grid, virtualised by rows against the window's scroll:
 * at 2,000 phones only the rows on screen (and a few either side) exist in
 * the DOM, and the page scrolls as any page does, on a phone as on a desktop.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import type { BoardPhone } from '@/lib/ui/phone-selectors';
import type { Phone } from '@/lib/ui/switchboard';
import { PHONE_TILE_HEIGHT, PhoneTile } from './PhoneTile';

const GAP = 8;
const MIN_TILE_WIDTH = 232;

/** How many tiles fit across, from the grid's own width (never the window's: the page has padding). */
function useColumns(ref: React.RefObject<HTMLElement | null>): number {
  const [columns, setColumns] = useState(1);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setColumns(Math.max(1, Math.floor((el.clientWidth + GAP) / (MIN_TILE_WIDTH + GAP))));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return columns;
}

export function PhoneGrid({
  phones,
  labels,
  onCall,
  own,
}: {
  phones: readonly BoardPhone[];
  /** The user's own extension: no call button on it. */
  own: string;
  /** PBX id → label, when several PBXs are shown; empty otherwise. */
  labels: ReadonlyMap<string, string>;
  onCall: ((pbx: string, phone: Phone) => void) | undefined;
}) {
  const list = useRef<HTMLDivElement>(null);
  const columns = useColumns(list);
  const rows = Math.ceil(phones.length / columns);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const measure = () => setMargin((list.current?.getBoundingClientRect().top ?? 0) + window.scrollY);
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  });
  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => PHONE_TILE_HEIGHT + GAP,
    overscan: 3,
    scrollMargin: margin,
    useFlushSync: false,
  });

  return (
    <div ref={list} data-testid="phone-grid" data-columns={columns} style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
      {virtualizer.getVirtualItems().map((row) => (
        <ul
          key={row.key}
          aria-label={`Phones ${row.index * columns + 1} to ${Math.min(phones.length, (row.index + 1) * columns)}`}
          className="absolute inset-x-0 grid"
          style={{
            top: row.start - virtualizer.options.scrollMargin,
            gap: GAP,
            gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
          }}
        >
          {phones.slice(row.index * columns, (row.index + 1) * columns).map(({ pbx, phone }) => (
            <PhoneTile
              key={`${pbx} ${phone.id}`}
              pbx={pbx}
              phone={phone}
              pbxLabel={labels.get(pbx) ?? ''}
              onCall={phone.number === own ? undefined : onCall}
            />
          ))}
        </ul>
      ))}
    </div>
  );
}
