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

/** What app_queue accepts as a penalty: a whole number, 0 or more (we cap it where a person would stop). */
const penaltySchema = z
  .number({ error: (issue) => (issue.input === undefined ? 'Give a penalty' : 'The penalty must be a number') })
  .int('The penalty is a whole number')
  .min(0, 'The penalty is 0 or more')
  .max(1000, 'The penalty is at most 1000');

/** A member's name as the queue card shows it (QueueAdd's `MemberName`). */
export const memberNameSchema = text('Give a name, or leave it out', 'The name')
  .max(60, 'A name is at most 60 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} .,'()&_-]{0,59}$/u, "A name is letters, digits, spaces and .,'()&_-");

/** Add a member to a queue: QueueAdd. */
export const queueAddSchema = z.strictObject({
  type: z.literal('queue-add'),
  pbx: pbxIdSchema,
  queue: queueNameSchema,
  interface: memberInterfaceSchema,
  name: memberNameSchema.optional(),
  penalty: penaltySchema.optional(),
  paused: z.boolean({ error: 'paused must be true or false' }).optional(),
  stateInterface: memberInterfaceSchema.optional(),
});

/** Remove a member from a queue: QueueRemove (Asterisk refuses it for a static member). */
export const queueRemoveSchema = z.strictObject({
  type: z.literal('queue-remove'),
  pbx: pbxIdSchema,
  queue: queueNameSchema,
  interface: memberInterfaceSchema,
});

/** Change a member's penalty, in one queue or every queue it is in: QueuePenalty. */
export const queuePenaltySchema = z.strictObject({
  type: z.literal('queue-penalty'),
  pbx: pbxIdSchema,
  queue: queueNameSchema.optional(),
  interface: memberInterfaceSchema,
  penalty: penaltySchema,
});

/** Which call a call action is for, and optionally which of its legs (a Uniqueid). */
const callTarget = {
  pbx: pbxIdSchema,
  call: text('Say which call', 'The call id').regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'Not a call id'),
  channel: uniqueidSchema.optional(),
};

/** Where a call goes: an extension or a number in the PBX's dialplan. */
export const destinationSchema = text('Say where the call goes', 'The destination').regex(
  /^[0-9*#+]{1,32}$/,
  'A destination is 1 to 32 digits, *, # or +',
);

/** Blind transfer: the answering party's leg leaves, the other party is sent to `to` (BlindTransfer). */
export const transferSchema = z.strictObject({ type: z.literal('transfer'), ...callTarget, to: destinationSchema });

/** Redirect one leg (the caller's by default) to a dialplan extension, such as hold or an announcement (Redirect). */
export const redirectSchema = z.strictObject({ type: z.literal('redirect'), ...callTarget, to: destinationSchema });

/** Park the caller's leg; it comes back to the other party when the lot's timeout ends (Park). */
export const parkSchema = z.strictObject({ type: z.literal('park'), ...callTarget });

/** Pick up a parked call at the user's own phone: an Originate to the parking slot. */
export const pickupSchema = z.strictObject({
  type: z.literal('pickup'),
  pbx: pbxIdSchema,
  parked: text('Say which parked call', 'The parked call').regex(/^[A-Za-z0-9_.-]{1,80}\|[0-9]{1,10}$/, 'Not a parked call'),
});

/** Listen, whisper or barge from the user's own phone: an Originate into ChanSpy on the answering party's device. */
export const spySchema = z.strictObject({ type: z.enum(['listen', 'whisper', 'barge']), ...callTarget });

/** A CLI command: one printable line. The allowlist (server/actions/cli-policy.ts) decides what may run. */
export const commandSchema = z.strictObject({
  type: z.literal('command'),
  pbx: pbxIdSchema,
  command: text('Type a command, e.g. core show uptime', 'The command')
    .max(200, 'A command is at most 200 characters')
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    .regex(/^[^\x00-\x1f\x7f]+$/, 'A command is one line of printable characters'),
});

export const actionRequestSchema = z.union([
  hangupChannelSchema,
  hangupCallSchema,
  originateSchema,
  pauseSchema,
  queueAddSchema,
  queueRemoveSchema,
  queuePenaltySchema,
  transferSchema,
  redirectSchema,
  parkSchema,
  pickupSchema,
  spySchema,
  commandSchema,
]);

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
  name: 'Name',
  penalty: 'Penalty',
  stateInterface: 'State interface',
  parked: 'Parked call',
  command: 'Command',
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

/** The schema of each action type but hangup, which has two. */
const SCHEMA_OF = new Map<string, z.ZodType>([
  ['originate', originateSchema],
  ['pause', pauseSchema],
  ['queue-add', queueAddSchema],
  ['queue-remove', queueRemoveSchema],
  ['queue-penalty', queuePenaltySchema],
  ['transfer', transferSchema],
  ['redirect', redirectSchema],
  ['park', parkSchema],
  ['pickup', pickupSchema],
  ['listen', spySchema],
  ['whisper', spySchema],
  ['barge', spySchema],
  ['command', commandSchema],
]);

const TYPES = `hangup, ${[...SCHEMA_OF.keys()].join(', ')}`;

function describeIssues(value: unknown, error: z.ZodError): string {
  // A union reports every branch; pick the branch the request meant by its type.
  const request = typeof value === 'object' && value !== null ? value : undefined;
  const type = request !== undefined && 'type' in request ? request.type : undefined;
  const branch =
    type === 'hangup'
      ? request !== undefined && Object.hasOwn(request, 'call')
        ? hangupCallSchema
        : hangupChannelSchema
      : typeof type === 'string'
        ? SCHEMA_OF.get(type)
        : undefined;
  if (!branch)
    return type === undefined
      ? 'Say which action: {"type": "hangup", …}, {"type": "originate", …}, {"type": "pause", …} and so on'
      : `Unknown action type; use one of ${TYPES}`;
  const specific = branch.safeParse(value);
  const issue = specific.success ? error.issues[0] : specific.error.issues[0];
  if (!issue) return 'The request is not valid';
  return describeIssue(issue);
}
