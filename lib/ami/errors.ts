import type { AmiPacket } from './packet';

export type AmiSerializeErrorCode = 'bad-key' | 'bad-value' | 'missing-action' | 'too-long' | 'too-many-headers';

/** An action that cannot be put on the wire without changing its meaning. */
export class AmiSerializeError extends Error {
  override readonly name = 'AmiSerializeError';
  constructor(
    readonly code: AmiSerializeErrorCode,
    /** The header the problem is in. */
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Asterisk refused an action: `Response: Error`, or an async Originate whose
 * OriginateResponse says `Response: Failure`. `amiMessage` is Asterisk's own
 * `Message` verbatim (`No such channel`, `Permission denied`, …); an
 * OriginateResponse has none, so there it reads `Originate failed (Reason: N)`
 * and `packet.fields.Reason` holds Asterisk's cause.
 */
export class AmiActionError extends Error {
  override readonly name = 'AmiActionError';
  constructor(
    readonly action: string,
    readonly amiMessage: string,
    /** The packet that carried the refusal (a Response, or the OriginateResponse event). */
    readonly packet: AmiPacket,
  ) {
    super(`${action}: ${amiMessage}`);
  }
}

/** No answer arrived within the action's timeout. */
export class AmiTimeoutError extends Error {
  override readonly name = 'AmiTimeoutError';
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`${action}: no answer within ${timeoutMs} ms`);
  }
}

/**
 * The action could not be sent or its answer cannot arrive any more: not
 * connected, or the connection dropped while it was pending. It was not (and
 * will not be) re-sent; whether Asterisk acted on it is unknown.
 */
export class AmiConnectionError extends Error {
  override readonly name = 'AmiConnectionError';
  constructor(
    readonly action: string,
    readonly reason: string,
  ) {
    super(`${action}: ${reason}`);
  }
}
