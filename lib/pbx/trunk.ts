/**
 * Which channels are trunks (the outside world). A call whose originator is a
 * trunk is inbound; a call that reaches a trunk is outbound; others are internal.
 */
export type TrunkPredicate = (channelName: string) => boolean;

/** `PJSIP/carrier-00000001`, `SIP/trunk-…`, `IAX2/provider-…`, and every DAHDI channel. */
export const DEFAULT_TRUNK_PATTERN = /^(?:(?:PJSIP|SIP|IAX2)\/(?:carrier|trunk|provider)[^/]*-[0-9a-f]+$|DAHDI\/)/i;

export const isTrunkChannel: TrunkPredicate = (name) => DEFAULT_TRUNK_PATTERN.test(name);

/**
 * A predicate from configuration: endpoint names (`carrier`, `PJSIP/sipgate`)
 * or regular expressions matched against the whole channel name.
 */
export function trunkPredicate(patterns: readonly (string | RegExp)[]): TrunkPredicate {
  const regexps = patterns.map((p) => (typeof p === 'string' ? endpointPattern(p) : p));
  return (name) => regexps.some((re) => re.test(name));
}

function endpointPattern(endpoint: string): RegExp {
  const escaped = endpoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const withTech = endpoint.includes('/') ? escaped : `[^/]+/${escaped}`;
  return new RegExp(`^${withTech}-[0-9a-f]+$`, 'i');
}
