'use client';
/**
 * One uPlot chart, sized to its box. uPlot draws on a canvas and keeps its
 * own DOM, so React only owns the box: the chart is made once per options
 * (a theme change remakes it), and new data is handed to `setData`, which
 * redraws without a React render of anything inside.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function UPlotChart({
  options,
  data,
  height,
  label,
  testId,
}: {
  /** Without width and height: the box gives them. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** What the chart shows, for screen readers (the canvas says nothing). */
  label: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot({ ...options, width: el.clientWidth || 300, height }, latest.current, el);
    chart.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth || 300, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    latest.current = data;
    chart.current?.setData(data);
  }, [data]);

  return <div ref={box} role="img" aria-label={label} data-testid={testId} className="w-full min-w-0" />;
}
