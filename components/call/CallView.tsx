'use client';
/**
 * Click-to-call: `/call?to=NUMBER` (and the browser's tel: links, once
 * Callboard is their handler) places a call from the user's own phone after
 * one confirmation. Asterisk rings the user's phone first, then the number.
 */
import { useState } from 'react';
import { sendAction, usePbx } from '@/lib/store';
import { useCan } from '@/lib/ui/grants';
import { shownBoards } from '@/lib/ui/selectors';
import { useMeInFrame } from '@/lib/ui/session';
import { numberFromTel } from '@/lib/ui/tel';
import { registerTelHandler, telHandlerSupported } from '@/lib/ui/tel-handler';
import { BoardFrame } from '../BoardFrame';
import { buttonStyles } from '../Dialog';

type Outcome = { state: 'idle' } | { state: 'calling' } | { state: 'done'; ok: boolean; message: string };

export function CallView() {
  return (
    <BoardFrame heading="Place a call" title="Call · Callboard">
      <PlaceCall />
    </BoardFrame>
  );
}

function PlaceCall() {
  const me = useMeInFrame();
  const can = useCan();
  const boards = usePbx((s) => shownBoards(s));
  // Read once in the browser (the server renders no number: it would only flash before the page knows the user).
  const [raw] = useState(() => (typeof location === 'undefined' ? null : (new URLSearchParams(location.search).get('to') ?? '')));
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  if (raw === null || !me) return null;

  const number = numberFromTel(raw);
  const pbx = boards[0];
  const card = 'mx-auto mt-8 w-full max-w-md rounded-xl border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900';
  const problem = !raw
    ? 'No number given: open this page as /call?to=NUMBER, or click a tel: link once Callboard handles them.'
    : !number
      ? `"${raw.slice(0, 60).replace(/\p{Cc}+/gu, ' ')}" is not a number Callboard can dial (digits, * and #, led by + at most).`
      : !can.has('originate')
        ? 'Your account may not place calls.'
        : !me.extension
          ? 'You have no phone of your own set; an admin sets it on the users page.'
          : !pbx
            ? 'No PBX is on the board yet.'
            : null;

  async function place() {
    if (!number || !pbx) return;
    setOutcome({ state: 'calling' });
    const result = await sendAction({ type: 'originate', pbx: pbx.id, from: me!.extension, to: number });
    setOutcome({ state: 'done', ok: result.ok, message: result.message });
  }

  return (
    <section className={card} aria-labelledby="call-heading">
      <h2 id="call-heading" className="text-lg font-semibold tracking-tight">
        {number ? `Call ${number}` : 'Place a call'}
      </h2>
      {problem ? (
        <p role="alert" className="mt-3 text-sm text-rose-700 dark:text-rose-400">
          {problem}
        </p>
      ) : (
        <>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            Your phone, {me.extension}, rings first{boards.length > 1 ? ` (on ${pbx!.label})` : ''}; when you pick up, Callboard dials{' '}
            {number}.
          </p>
          {outcome.state === 'done' ? (
            <p
              role={outcome.ok ? 'status' : 'alert'}
              data-testid="call-outcome"
              className={`mt-4 text-sm font-medium ${outcome.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}`}
            >
              {outcome.ok ? 'Call placed' : 'The call failed'}: {outcome.message}
            </p>
          ) : (
            <div className="mt-5 flex gap-2">
              <button type="button" className={buttonStyles.primary} disabled={outcome.state === 'calling'} onClick={() => void place()}>
                {outcome.state === 'calling' ? 'Ringing your phone…' : `Call from ${me.extension}`}
              </button>
              <a href="/" className={buttonStyles.secondary}>
                Cancel
              </a>
            </div>
          )}
        </>
      )}
      {telHandlerSupported() && (
        <p className="mt-6 border-t border-zinc-100 pt-4 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          Let tel: links on other pages open here:{' '}
          <button type="button" className="font-medium text-sky-700 underline dark:text-sky-400" onClick={() => registerTelHandler()}>
            use Callboard for tel: links
          </button>
        </p>
      )}
    </section>
  );
}
