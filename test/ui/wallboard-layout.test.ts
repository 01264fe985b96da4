import { describe, expect, it } from 'vitest';
import { FRAME, stripPlan, wallLayout } from '@/lib/ui/wallboard-layout';

const HD = 16 / 9;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('wallLayout', () => {
  it('puts every card in a cell, with no empty row, from 1 to 12 cards at every aspect', () => {
    for (const aspect of [4 / 3, HD, 21 / 9, 9 / 16])
      for (let n = 1; n <= 12; n++) {
        const l = wallLayout({ cards: n, aspect, charts: false, stripLines: 1 });
        expect(sum(l.rowCounts), `${n} at ${aspect}`).toBe(n);
        expect(l.rowCounts.length).toBe(l.rows);
        expect(Math.max(...l.rowCounts)).toBe(l.cols);
        expect(Math.min(...l.rowCounts)).toBeGreaterThan(0);
        // Rows differ by one card at most: a short last row widens its cards, it does not leave holes.
        expect(Math.max(...l.rowCounts) - Math.min(...l.rowCounts)).toBeLessThanOrEqual(1);
      }
  });

  it('three queues on a 16:9 screen: two tiles, and the third a band across the screen', () => {
    const l = wallLayout({ cards: 3, aspect: HD, charts: false, stripLines: 1 });
    expect([l.cols, l.rows, l.rowCounts, l.rowShapes]).toEqual([2, 2, [2, 1], ['tile', 'band']]);
    // The band across the screen has room for bigger digits than the tiles above it.
    expect(l.rowBig[1]).toBeGreaterThan(l.rowBig[0]);
  });

  it('on an ultra-wide screen three queues sit side by side', () => {
    expect(wallLayout({ cards: 3, aspect: 32 / 9, charts: false, stripLines: 1 }).rowCounts).toEqual([3]);
  });

  it('twelve queues on a 16:9 screen are a grid of tiles wider than tall (4 × 3)', () => {
    const l = wallLayout({ cards: 12, aspect: HD, charts: false, stripLines: 1 });
    expect([l.shape, l.cols, l.rows]).toEqual(['tile', 4, 3]);
  });

  it('a portrait screen stacks more rows than columns', () => {
    const l = wallLayout({ cards: 6, aspect: 9 / 16, charts: false, stripLines: 0 });
    expect(l.rows).toBeGreaterThan(l.cols);
  });

  it('type shrinks as queues are added; labels at least 3 % of the height up to 2 queues, 2.8 % up to 6', () => {
    let last = Infinity;
    for (let n = 1; n <= 12; n++) {
      const l = wallLayout({ cards: n, aspect: HD, charts: false, stripLines: 1 });
      expect(l.label).toBeLessThanOrEqual(last + 1e-9);
      if (n <= 2) expect(l.label).toBeGreaterThanOrEqual(3);
      if (n <= 6) expect(l.label).toBeGreaterThanOrEqual(2.8);
      expect(l.big).toBeGreaterThan(l.small);
      expect(l.small).toBeGreaterThan(l.label);
      last = l.label;
    }
  });

  it('even twelve queues keep labels readable from a few metres (over 1.75 % of the height)', () => {
    expect(wallLayout({ cards: 12, aspect: HD, charts: false, stripLines: 1 }).label).toBeGreaterThan(1.75);
  });

  it('a tile or band fits its cell: the modelled content is no taller than the cell', () => {
    for (let n = 1; n <= 12; n++) {
      const l = wallLayout({ cards: n, aspect: HD, charts: false, stripLines: 1 });
      const areaH = 100 - 2 * FRAME.pad - FRAME.header - 2 * FRAME.gap - l.stripHeight;
      expect(l.rowShapes).toHaveLength(l.rows);
      const cellH = (areaH - FRAME.gap * (l.rows - 1)) / l.rows;
      // As QueueCard lays it out: name line, half-label gaps, 1.2-leading labels, the rule, two rows of small figures.
      const content = (shape: string, big: number, small: number) =>
        shape === 'band'
          ? l.name * 1.15 + 0.5 * l.label + Math.max(1.2 * l.label + big, 2 * (1.2 * l.label + small) + 0.4 * l.label)
          : l.name * 1.15 + 5.4 * l.label + big + 2 * small;
      l.rowShapes.forEach((shape, r) =>
        expect(content(shape, l.rowBig[r], l.rowSmall[r]) + 2 * l.pad, `${n} queues, row ${r}`).toBeLessThanOrEqual(cellH),
      );
    }
  });

  it('the charts under the cards take their share: smaller type, same split rules', () => {
    const without = wallLayout({ cards: 2, aspect: HD, charts: false, stripLines: 1 });
    const withCharts = wallLayout({ cards: 2, aspect: HD, charts: true, stripLines: 1 });
    expect(withCharts.chartsHeight).toBeGreaterThan(0);
    expect(withCharts.big).toBeLessThan(without.big);
  });

  it('reads a nonsense aspect or count as a 16:9 screen with one card', () => {
    const l = wallLayout({ cards: 0, aspect: NaN, charts: false, stripLines: 0 });
    expect([l.cols, l.rows]).toEqual([1, 1]);
  });
});

describe('stripPlan', () => {
  it('a floor of agents in one line, more in two smaller ones, a hall of them as counts', () => {
    expect(stripPlan({ agents: 8, longestName: 6, aspect: HD })).toMatchObject({ mode: 'names', lines: 1 });
    expect(stripPlan({ agents: 20, longestName: 7, aspect: HD })).toMatchObject({ mode: 'names', lines: 2 });
    expect(stripPlan({ agents: 60, longestName: 7, aspect: HD }).mode).toBe('counts');
    // Never names smaller than 2.2 % of the height.
    for (let n = 1; n < 80; n++) {
      const p = stripPlan({ agents: n, longestName: 8, aspect: HD });
      if (p.mode === 'names') expect(p.font).toBeGreaterThanOrEqual(2.2);
    }
    expect(stripPlan({ agents: 0, longestName: 0, aspect: HD })).toMatchObject({ mode: 'names', lines: 1 });
  });

  it('fewer lines hold fewer agents on a narrow screen', () => {
    expect(stripPlan({ agents: 38, longestName: 7, aspect: 9 / 16 }).mode).toBe('counts');
  });
});
