/** The three charts of the Today page, as uPlot options for a theme. */
import uPlot from 'uplot';

const COLORS = {
  answered: '#10b981',
  abandoned: '#f43f5e',
  sla: '#0ea5e9',
  asa: '#8b5cf6',
  waiting: '#8b5cf6',
};

/** How a chart is drawn: on a page, or big on a TV across the room (larger type, no legend: the wall labels it). */
export interface ChartLook {
  fontPx: number;
  legend: boolean;
}
const PAGE: ChartLook = { fontPx: 12, legend: true };

function axes(dark: boolean, timeZone: string, look: ChartLook) {
  const stroke = dark ? '#a1a1aa' : '#52525b';
  const grid = { stroke: dark ? '#27272a' : '#e4e4e7', width: 1 };
  return {
    stroke,
    grid,
    ticks: { stroke: grid.stroke, width: 1 },
    font: `${look.fontPx}px system-ui, sans-serif`,
    // The axis's room grows with its type, or the labels would be cut.
    size: Math.round(look.fontPx * 3.4),
    // The time axis has two lines (the hour, and the date under the first).
    xSize: Math.round(look.fontPx * 4.5),
    tz: (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone),
  };
}

const bars = (align: -1 | 1) => uPlot.paths.bars!({ size: [0.38, 40], align });

export function callsPerHourOptions(dark: boolean, timeZone: string, look: ChartLook = PAGE): Omit<uPlot.Options, 'width' | 'height'> {
  const a = axes(dark, timeZone, look);
  return {
    tzDate: a.tz,
    legend: { show: look.legend },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
    series: [
      {},
      { label: 'Answered', fill: COLORS.answered, stroke: COLORS.answered, width: 0, paths: bars(-1), points: { show: false } },
      { label: 'Abandoned', fill: COLORS.abandoned, stroke: COLORS.abandoned, width: 0, paths: bars(1), points: { show: false } },
    ],
    axes: [
      { stroke: a.stroke, grid: { show: false }, ticks: a.ticks, font: a.font, size: a.xSize },
      { stroke: a.stroke, grid: a.grid, ticks: a.ticks, font: a.font, size: a.size },
    ],
  };
}

export function slaOptions(dark: boolean, timeZone: string, look: ChartLook = PAGE): Omit<uPlot.Options, 'width' | 'height'> {
  const a = axes(dark, timeZone, look);
  return {
    tzDate: a.tz,
    legend: { show: look.legend },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, pct: { range: [0, 100] }, s: { range: (_u, _min, max) => [0, Math.max(30, Math.ceil(max * 1.2))] } },
    series: [
      {},
      { label: 'SLA %', scale: 'pct', stroke: COLORS.sla, width: 2, value: (_u, v) => (v === null ? '—' : `${Math.round(v)}%`) },
      {
        label: 'ASA s',
        scale: 's',
        stroke: COLORS.asa,
        width: 2,
        dash: [6, 4],
        value: (_u, v) => (v === null ? '—' : `${Math.round(v)} s`),
      },
    ],
    axes: [
      { stroke: a.stroke, grid: { show: false }, ticks: a.ticks, font: a.font, size: a.xSize },
      {
        scale: 'pct',
        stroke: a.stroke,
        grid: a.grid,
        ticks: a.ticks,
        font: a.font,
        size: a.size + 8,
        values: (_u, vs) => vs.map((v) => `${v}%`),
      },
      {
        scale: 's',
        side: 1,
        stroke: a.stroke,
        grid: { show: false },
        ticks: a.ticks,
        font: a.font,
        size: a.size,
        values: (_u, vs) => vs.map((v) => `${v}s`),
      },
    ],
  };
}

export function waitingOptions(dark: boolean, timeZone: string, look: ChartLook = PAGE): Omit<uPlot.Options, 'width' | 'height'> {
  const a = axes(dark, timeZone, look);
  return {
    tzDate: a.tz,
    legend: { show: look.legend },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(3, Math.ceil(max * 1.2))] } },
    series: [
      {},
      {
        label: 'Waiting',
        stroke: COLORS.waiting,
        fill: `${COLORS.waiting}33`,
        width: 2,
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: false },
      },
    ],
    axes: [
      { stroke: a.stroke, grid: { show: false }, ticks: a.ticks, font: a.font, size: a.xSize },
      { stroke: a.stroke, grid: a.grid, ticks: a.ticks, font: a.font, size: a.size, incrs: [1, 2, 5, 10, 20, 50, 100] },
    ],
  };
}
