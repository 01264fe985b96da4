/**
 * The wallboard's geometry: how many columns and rows of queue cards a screen
 * takes, which card shape reads best in a cell, and how big its type is. Pure:
 * the page passes the screen's aspect (width / height) and gets sizes in `vh`,
 * so the CSS stays right while a window is resized and 4K scales like 720p.
 */

export type CardShape = 'band' | 'tile';

export interface WallLayoutInput {
  /** Queue cards on this page, 0 to 12 (more are paged, see wallPages). */
  cards: number;
  /** Screen width / height (16:9 is 1.78). */
  aspect: number;
  /** The day's charts share the page, under the cards. */
  charts: boolean;
  /** Lines of the agent strip at the bottom (see stripPlan); 0: none, or its counts (one line). */
  stripLines: number;
}

export interface WallLayout {
  cols: number;
  rows: number;
  /** Cards in each row, top to bottom; a shorter last row widens its cards, so no cell stays empty. */
  rowCounts: number[];
  shape: CardShape;
  /** Per row, the shape its cards take: a short last row's wider cards become bands when a band fits them. */
  rowShapes: CardShape[];
  /** Per row, the headline digits' and the small figures' sizes in vh: a widened card has room for bigger ones. */
  rowBig: number[];
  rowSmall: number[];
  /** A card's padding on each side, in vh. */
  pad: number;
  /** Type sizes in vh (percent of the screen's height). */
  label: number;
  name: number;
  big: number;
  small: number;
  /** Height in vh given to the agent strip (0 without it) and to the charts (0 without them). */
  stripHeight: number;
  chartsHeight: number;
}

/** The page's frame, in vh: padding round the page, gaps between cards, the header's line. */
export const FRAME = { pad: 2.5, gap: 1.8, header: 6.5 } as const;
/** The strip's height for one line, and for two or three. */
const STRIP_ONE = 5.5;
const STRIP = 9;
const CHARTS = 30;

/*
 * What a card holds, in units of its label size L (measured from the wallboard's fonts, digits ≈ 0.6 em):
 * - a tile stacks its name, the big pair (waiting, longest wait) and two rows of three small figures:
 *   about 12 L high and 18 L wide;
 * - a band puts the name on a line, then the big pair beside the small figures: about 8.8 L high, 38 L wide.
 */
const TILE = { h: 12.2, w: 18.5, big: 2.4, small: 1.3, name: 1.2 };
const BAND = { h: 8.8, w: 38, big: 4.4, small: 1.55, name: 1.7 };
/** Across a room a label is at least 3 % of the height where the room allows; never more than 5.5 %, so the figures keep the space. */
const LABEL_MAX = 5.5;

/** A card's padding, both sides, in vh (the component pads by the same rule: 2vmin, less in small cells). */
const cardPad = (w: number, h: number): number => 2 * Math.min(2, 0.06 * Math.min(w, h));

function labelFor(shape: CardShape, w: number, h: number): number {
  const m = shape === 'band' ? BAND : TILE;
  const pad = cardPad(w, h);
  return Math.max(0, Math.min((h - pad) / m.h, (w - pad) / m.w));
}

/** Rows and columns for `n` cards: the split whose cells give the largest readable label. */
export function wallLayout(input: WallLayoutInput): WallLayout {
  const n = Math.max(1, Math.floor(input.cards));
  const aspect = Number.isFinite(input.aspect) && input.aspect > 0 ? input.aspect : 16 / 9;
  const stripHeight = input.stripLines <= 0 ? 0 : input.stripLines === 1 ? STRIP_ONE : STRIP;
  const chartsHeight = input.charts ? CHARTS : 0;
  const areaH =
    100 - 2 * FRAME.pad - FRAME.header - FRAME.gap - (stripHeight && stripHeight + FRAME.gap) - (chartsHeight && chartsHeight + FRAME.gap);
  const areaW = 100 * aspect - 2 * FRAME.pad;

  let best: (WallLayout & { score: number }) | null = null;
  for (let rows = 1; rows <= n; rows++) {
    const cols = Math.ceil(n / rows);
    // Skip splits that leave a whole row empty.
    if (cols * (rows - 1) >= n) continue;
    const w = (areaW - FRAME.gap * (cols - 1)) / cols;
    const h = (areaH - FRAME.gap * (rows - 1)) / rows;
    for (const shape of ['band', 'tile'] as const) {
      const label = labelFor(shape, w, h);
      // Past the cap a bigger label buys nothing; a band's figures sit in one line and read bigger: prefer it a little.
      const score = Math.min(label, LABEL_MAX) * (shape === 'band' ? 1.08 : 1);
      if (best && score <= best.score) continue;
      const counts = rowCounts(n, rows, cols);
      const type = sizes(shape, w, h, label);
      const rowShapes: CardShape[] = [];
      const rowBig: number[] = [];
      const rowSmall: number[] = [];
      for (const c of counts) {
        const wide = (areaW - FRAME.gap * (c - 1)) / c;
        const rowShape = shape === 'band' || (c < cols && labelFor('band', wide, h) >= type.label) ? 'band' : shape;
        rowShapes.push(rowShape);
        // The same labels as every other card (one size reads as one board), the digits as big as the cell allows.
        // Capped at 1.5 times the others': bigger reads as more important, and a wider card is not.
        const big = c === cols ? type.big : Math.min(1.5 * type.big, Math.max(type.big, sizes(rowShape, wide, h, type.label).big));
        rowBig.push(big);
        rowSmall.push(type.small * (big / type.big));
      }
      best = {
        ...type,
        pad: cardPad(w, h) / 2,
        cols,
        rows,
        rowCounts: counts,
        shape,
        rowShapes,
        rowBig,
        rowSmall,
        stripHeight,
        chartsHeight,
        score,
      };
    }
  }
  const { score: _score, ...layout } = best!;
  return layout;
}

/**
 * The type for a card of `shape` in a w × h cell at label size `fit`. The
 * heights follow the card's markup (components/wallboard/QueueCard): the name
 * line (leading 1.15), gaps of half a label, each label's line (1.2), the
 * rule between the big pair and the small figures, and two rows of those.
 */
function sizes(shape: CardShape, w: number, h: number, fit: number): Pick<WallLayout, 'label' | 'name' | 'big' | 'small'> {
  const m = shape === 'band' ? BAND : TILE;
  const label = Math.min(fit, LABEL_MAX);
  const name = m.name * label;
  const small = m.small * label;
  const inner = h - cardPad(w, h) - 1.15 * name;
  // The headline digits take what the capped label leaves: one queue on a wall gets figures you read from the door.
  const bigByHeight = shape === 'band' ? inner - 1.7 * label : inner - 5.4 * label - 2 * small;
  // The pair is about 3.8 em wide ("3" and "12:34"); a band also holds the small figures beside it (≈ 21 labels).
  const bigByWidth = shape === 'band' ? (w - cardPad(w, h) - 21 * label) / 3.8 : (w - cardPad(w, h) - 1.5 * label) / 3.8;
  const big = Math.max(m.big * label, Math.min(bigByHeight * 0.96, bigByWidth, m.big * label * 2.4));
  return { label, name, big, small };
}

function rowCounts(n: number, rows: number, cols: number): number[] {
  const out: number[] = [];
  let left = n;
  for (let r = 0; r < rows; r++) {
    // Spread evenly: 7 cards in two rows are 4 and 3, not 4 and a lonely card later.
    const here = Math.min(cols, Math.ceil(left / (rows - r)));
    out.push(here);
    left -= here;
  }
  return out;
}

export type StripPlan = { mode: 'names'; lines: number; font: number } | { mode: 'counts'; font: number };

/**
 * The agent strip: a chip per agent (a state dot and the name) in one line,
 * or two smaller ones; more agents than two lines hold read as counts per
 * state, since a name smaller than that is not read from across a room. Font in vh.
 */
export function stripPlan(input: { agents: number; longestName: number; aspect: number }): StripPlan {
  const width = 100 * (input.aspect > 0 && Number.isFinite(input.aspect) ? input.aspect : 16 / 9) - 2 * FRAME.pad;
  for (let lines = 1; lines <= 2; lines++) {
    // A line of chips is about 1.9 em high (leading, padding, the gap between lines).
    const font = Math.min(3.2, (lines === 1 ? STRIP_ONE : STRIP) / lines / 1.9);
    // A chip: a dot and padding (≈ 1.9 em), the name (≈ 0.6 em a character; cut at 14), a gap.
    const chip = font * (0.6 * Math.min(14, Math.max(3, input.longestName)) + 1.9) + 0.6;
    if (Math.floor(width / chip) * lines >= input.agents) return { mode: 'names', lines, font };
  }
  return { mode: 'counts', font: 2.9 };
}
