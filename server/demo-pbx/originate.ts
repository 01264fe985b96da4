import type { Dialplan } from './dialplan';
import type { Channel, PbxCore } from './core';
import { TRUNK } from './directory';
import { ChannelState } from '@/lib/pbx/states';

export interface OriginateRequest {
  channel: string;
  context: string;
  exten: string;
  callerNum: string;
  callerName: string;
  variables: Record<string, string>;
  timeoutSec: number;
  /** Run this application instead of the dialplan at Context/Exten. */
  application?: { app: string; data: string };
}

export type OriginateOutcome = { ok: true; ch: Channel } | { ok: false; reason: number; ch?: Channel };

/** `PJSIP/101` or `PJSIP/5551234@carrier` → the endpoint to ring and the number, if any. */
export function parseDialTarget(channel: string, plan: Dialplan): { endpoint: string; number?: string } | undefined {
  const m = /^PJSIP\/([^@/\s]+)(?:@([^/\s]+))?$/i.exec(channel);
  if (!m) return undefined;
  if (m[2]) return m[2] === TRUNK && /^\+?\d{3,16}$/.test(m[1]) ? { endpoint: TRUNK, number: m[1] } : undefined;
  return plan.endpointExists(m[1]) && m[1] !== TRUNK ? { endpoint: m[1] } : undefined;
}

/**
 * An Originate that really places a call: the channel is created and rung, and
 * once answered it runs the dialplan at Context/Exten, as the originated `;1`
 * legs do in transcripts 01 and 02.
 */
export function originate(core: PbxCore, plan: Dialplan, req: OriginateRequest, done: (outcome: OriginateOutcome) => void): void {
  const target = parseDialTarget(req.channel, plan);
  if (!target) {
    // ast_request fails at once; the failure still arrives as an OriginateResponse.
    setImmediate(() => done({ ok: false, reason: 0 }));
    return;
  }
  const ch = core.newChannel({ endpoint: target.endpoint, state: ChannelState.Down, context: req.context, exten: req.exten });
  core.outgoingLine(ch, 'AppDial2');
  for (const [k, v] of Object.entries(req.variables)) core.varSet(ch, k, v);
  const talk = Number(req.variables.TALK);
  if (Number.isFinite(talk) && talk > 0) ch.talk = talk;
  const num = req.callerNum || target.number || target.endpoint;
  const name = req.callerName || plan.displayName(target.endpoint);
  core.setCallerId(ch, num, name);
  core.setConnected(ch, num, name);
  core.dialBegin(undefined, ch, target.number ?? target.endpoint);
  let settled = false;
  // Whoever is originated to picks up (the click-to-call user expects the ring).
  const [min, max] = plan.timing.answerAfterFor?.[target.endpoint] ?? plan.timing.answerAfter;
  const ringFor = core.rng.int(min, max);
  const answerTimer = ringFor < req.timeoutSec ? core.after(ringFor, () => answered()) : undefined;
  const noAnswerTimer = core.after(req.timeoutSec, () => failed('NOANSWER', 3, 16));

  function answered(): void {
    if (settled) return;
    settled = true;
    core.cancel(noAnswerTimer);
    ch.owner = undefined;
    core.setState(ch, ChannelState.Up);
    plan.armTalk(ch);
    core.dialEnd(undefined, ch, 'ANSWER');
    done({ ok: true, ch });
    if (req.application) plan.application(ch, req.application.app, req.application.data);
    else plan.run(ch, req.context, req.exten);
  }

  function failed(status: string, reason: number, cause: number): void {
    if (settled) return;
    settled = true;
    core.cancel(answerTimer);
    core.cancel(noAnswerTimer);
    core.dialEnd(undefined, ch, status);
    core.hangup(ch, cause);
    done({ ok: false, reason, ch });
  }

  ch.owner = {
    onHangup: (_c, cause, by) => {
      if (by === 'remote') core.hangupRequest(ch, cause);
      else core.softHangupRequest(ch, cause);
      failed('CANCEL', 1, cause);
    },
    // Redirected before it answered: the originate is over, the channel goes where it was sent.
    onRedirect: () => {
      settled = true;
      core.cancel(answerTimer);
      core.cancel(noAnswerTimer);
      done({ ok: false, reason: 1, ch });
    },
  };
}
