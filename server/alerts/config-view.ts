/**
 * A webhook as an admin's browser may see it. Slack and Teams webhook URLs
 * are credentials in themselves, so only the scheme and host and the last
 * four characters (to tell two apart) leave the server; the secret only as
 * whether there is one.
 */
import type { WebhookConfig, WebhookView } from '@/lib/alerts/model';

/** Shorter than this after the host, and the tail alone would give most of it away: none is shown. */
const HINT_NEEDS = 12;

export function shownUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(not a URL)';
  }
  // `origin` drops any user:password@ as well.
  const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  if (rest === '' || rest === '/') return parsed.origin;
  return rest.length >= HINT_NEEDS ? `${parsed.origin}/…${rest.slice(-4)}` : `${parsed.origin}/…`;
}

export function webhookView(webhook: WebhookConfig): WebhookView {
  const { url, secret, ...rest } = webhook;
  return { ...rest, urlShown: shownUrl(url), hasSecret: secret !== null };
}
