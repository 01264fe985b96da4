/** The tab title with the number of waiting callers in front, readable from a background tab. */
export function titleWithWaiting(base: string, waiting: number): string {
  return waiting > 0 ? `(${waiting} waiting) ${base}` : base;
}
