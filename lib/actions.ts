/**
 * Validation of action requests, shared by the server (which enforces it) and
 * the UI (which uses it for form feedback). Every pattern is an allowlist: a
 * value that passes can be written into an AMI header as it is, so CR, LF, NUL
 * and every other control character are refused here, before anything else.
 */
import './zod-jitless';
import { z } from 'zod';
import { PBX_ID, type ActionRequest } from './protocol';

/** Zod's own wording ("Invalid input: expected string, received undefined") is for developers; these are for users. */
const text = (missing: string, what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? missing : `${what} must be text`) });

/** An extension to call from: digits and the keypad's `*`, `#`, `+`. */
export const extensionSchema = text('Enter the extension to ring first', 'The extension').regex(
  /^[0-9*#+]{1,20}$/,
  'An extension is 1 to 20 digits, *, # or +',
);

/** A number to dial: the keypad's characters. */
export const dialNumberSchema = text('Enter the number to call', 'The number').regex(
  /^[0-9*#+]{1,32}$/,
  'A number is 1 to 32 digits, *, # or +',
);

/**
 * Caller ID as Asterisk's `CallerID` header takes it: `NUMBER`, or
 * `Name <NUMBER>` with a name of letters, digits, spaces and `.,'_-`.
 */
export const callerIdSchema = text('Enter a caller ID, or leave it out', 'Caller ID')
  .max(80, 'Caller ID is at most 80 characters')
  .regex(/^(?:[0-9*#+]{1,32}|[\p{L}\p{N}][\p{L}\p{N} .,'_-]{0,39} <[0-9*#+]{1,32}>)$/u, 'Caller ID is a number, or Name <number>');

/**
 * A channel name as Asterisk prints it (`PJSIP/101-0000002a`,
 * `Local/201@agents-00000003;1`). A leading `/` is refused: Asterisk's Hangup
 * reads `/…/` as a regular expression over every channel.
 */
export const channelNameSchema = z.string().regex(/^[A-Za-z0-9@._;:+*#-][A-Za-z0-9/@._;:+*#-]{0,119}$/, 'Not a channel name');

/** An Asterisk Uniqueid/Linkedid, e.g. `1795664596.106` (optionally `system-name-` prefixed). */
export const uniqueidSchema = z.string().regex(/^(?:[A-Za-z0-9_-]{1,64}-)?[0-9]{1,20}\.[0-9]{1,10}$/, 'Not a Uniqueid');

/** A call id: the Linkedid that started the conversation. */
export const callIdSchema = text('Say which call to hang up', 'The call id').regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'Not a call id');

/** Which PBX an action is for: its configured id. */
export const pbxIdSchema = text('Say which PBX the action is for', 'The PBX').regex(PBX_ID, 'Not a PBX id');

/** Hang up one channel: its Uniqueid or its name, as the state shows it. */
export const hangupChannelSchema = z.strictObject({
  type: z.literal('hangup'),
  pbx: pbxIdSchema,
  channel: z.union([uniqueidSchema, channelNameSchema], {
    error: (issue) => (issue.input === undefined ? 'Say which channel to hang up' : 'Not a channel name or Uniqueid'),
  }),
});

/** Hang up every channel of one call. */
export const hangupCallSchema = z.strictObject({
  type: z.literal('hangup'),
  pbx: pbxIdSchema,
  call: callIdSchema,
});

export const originateSchema = z.strictObject({
  type: z.literal('originate'),
  pbx: pbxIdSchema,
  from: extensionSchema,
  to: dialNumberSchema,
  callerId: callerIdSchema.optional(),
});

/** A queue member's interface as app_queue names it (`PJSIP/203`, `Local/2001@agents/n`); never led by `/`. */
export const memberInterfaceSchema = text('Say which member', 'The interface').regex(
  /^[A-Za-z0-9][A-Za-z0-9/@._:;+*#-]{0,119}$/,
  'Not a queue member interface',
);

/** A queue's name as queues.conf allows it. */
export const queueNameSchema = text('Say which queue', 'The queue').regex(/^[A-Za-z0-9_.-]{1,80}$/, 'Not a queue name');

/** Why a member pauses: what QueuePause's `Reason` and the card show. Letters, digits, spaces and a little punctuation. */
export const pauseReasonSchema = text('Give a reason, or leave it out', 'The reason')
  .max(60, 'A reason is at most 60 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} .,'()&/_-]{0,59}$/u, "A reason is letters, digits, spaces and .,'()&/_-");

/**
 * Pause or unpause a member, in one queue or (without `queue`) in every
 * queue it is in: QueuePause. Asterisk forgets the reason on unpause, so an
 * unpause takes none.
 */
export const pauseSchema = z
  .strictObject({
    type: z.literal('pause'),
    pbx: pbxIdSchema,
    interface: memberInterfaceSchema,
    queue: queueNameSchema.optional(),
    paused: z.boolean({
      error: (issue) => (issue.input === undefined ? 'Say whether to pause or unpause' : 'paused must be true or false'),
    }),
    reason: pauseReasonSchema.optional(),
  })
  .refine((r) => r.paused || r.reason === undefined, { message: 'An unpause takes no reason', path: ['reason'] });

export const actionRequestSchema = z.union([hangupChannelSchema, hangupCallSchema, originateSchema, pauseSchema]);

export type ParsedAction = z.infer<typeof actionRequestSchema>;

// Keep the schemas and the wire type in step: a parsed request is an ActionRequest.
const _sameShape: (parsed: ParsedAction) => ActionRequest = (parsed) => parsed;
void _sameShape;

/** How a field is called in a message. */
const LABEL: Record<string, string> = {
  from: 'From',
  to: 'To',
  callerId: 'Caller ID',
  channel: 'Channel',
  call: 'Call',
  type: 'Action type',
  pbx: 'PBX',
  interface: 'Interface',
  queue: 'Queue',
  paused: 'Pause',
  reason: 'Reason',
};

/**
 * One issue as a sentence for a person. Our schemas carry their own messages;
 * the issue kinds that get zod's wording (a wrong type, an unknown key, a
 * value too long) are put in words here.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? String(issue.path[issue.path.length - 1]) : '';
  const label = LABEL[field] ?? field;
  // A message that already names its field needs no prefix ("Caller ID is at most 80 characters").
  const named = (message: string) => message.startsWith(label) || (label.length > 2 && message.toLowerCase().includes(label.toLowerCase()));
  const where = label && !named(issue.message) ? `${label}: ` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k.slice(0, 40)}"`).join(', ')}`;
    case 'invalid_type':
      if (!field) return 'Expected an object like {"type": "hangup", "channel": "…"}';
      if (issue.message.startsWith('Invalid input'))
        return issue.input === undefined
          ? `${label} is missing`
          : `${label} must be ${issue.expected === 'string' ? 'text' : issue.expected}`;
      return `${where}${issue.message}`;
    case 'too_big':
      if (issue.message.startsWith('Too big')) return `${where}at most ${String(issue.maximum)} characters`;
      return `${where}${issue.message}`;
    default:
      return `${where}${issue.message}`;
  }
}

/** Parses an untrusted value; the error message names the first offending field. */
export function parseActionRequest(value: unknown): { ok: true; request: ParsedAction } | { ok: false; message: string } {
  const result = actionRequestSchema.safeParse(value);
  if (result.success) return { ok: true, request: result.data };
  return { ok: false, message: describeIssues(value, result.error) };
}

function describeIssues(value: unknown, error: z.ZodError): string {
  // A union reports every branch; pick the branch the request meant by its type.
  const request = typeof value === 'object' && value !== null ? value : undefined;
  const type = request !== undefined && 'type' in request ? request.type : undefined;
  const branch =
    type === 'originate'
      ? originateSchema
      : type === 'pause'
        ? pauseSchema
        : type === 'hangup'
          ? request !== undefined && Object.hasOwn(request, 'call')
            ? hangupCallSchema
            : hangupChannelSchema
          : null;
  if (!branch)
    return type === undefined
      ? 'Say which action: {"type": "hangup", …}, {"type": "originate", …} or {"type": "pause", …}'
      : 'Unknown action type; use hangup, originate or pause';
  const specific = branch.safeParse(value);
  const issue = specific.success ? error.issues[0] : specific.error.issues[0];
  if (!issue) return 'The request is not valid';
  return describeIssue(issue);
}
