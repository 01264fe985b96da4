/**
 * A number from a `/call?to=` link, as a browser hands a tel: link to its
 * handler (`tel:+1-555-0100;ext=2`) or as a person types it (`+1 (555) 0100`).
 * RFC 3966's visual separators go; anything else that is not a keypad
 * character makes it no number at all rather than a different one.
 */
export function numberFromTel(raw: string): string | null {
  let text = raw.trim();
  if (/^tel:/i.test(text)) text = text.slice(4);
  // Parameters (`;phone-context=…`, `;ext=…`) are not dialled: a person would not know what Callboard made of them.
  text = text.split(';')[0];
  try {
    text = decodeURIComponent(text);
  } catch {
    return null;
  }
  const number = text.replace(/[\s().-]/g, '');
  return /^\+?[0-9*#]{1,32}$/.test(number) ? number : null;
}
