/**
 * Measurements taken inside the page: what a person at the screen sees
 * (composited colours, effective opacity, text that does not fit).
 */
import type { Locator } from '@playwright/test';

/** The WCAG contrast ratio of an element's text against what is behind it. */
export function contrastOf(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    // Any CSS colour (oklch included) → sRGB bytes, through the canvas.
    const rgba = (css: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return [r, g, b, a / 255];
    };
    const over = (top: number[], bottom: number[]) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3]));
    const layers: [number, number, number, number][] = [];
    for (let e: Element | null = node; e; e = e.parentElement) {
      const bg = rgba(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] === 1) break;
    }
    let back = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) back = over(layers[i], back);
    const text = over(rgba(getComputedStyle(node).color), back);
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [l1, l2] = [lum(text), lum(back)].sort((a, b) => b - a);
    return (l1 + 0.05) / (l2 + 0.05);
  });
}

/** The opacity an element is drawn with: its own times every ancestor's. */
export function effectiveOpacity(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    let o = 1;
    for (let e: Element | null = node; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  });
}

/** True when the element's text is wider than its box (cut off or ellipsised). */
export function isClipped(el: Locator): Promise<boolean> {
  return el.evaluate((node) => node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1);
}
