/** Text matching for search boxes: case- and accent-insensitive, so "muller" finds "Müller". Pure. */

// Letters that Unicode does not decompose into a base letter plus a mark.
const NO_DECOMPOSITION: Record<string, string> = { ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', æ: 'ae', œ: 'oe', ı: 'i' };
const SPECIAL = /[ßøłđðþæœı]/g;

export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(SPECIAL, (ch) => NO_DECOMPOSITION[ch] ?? ch);
}
