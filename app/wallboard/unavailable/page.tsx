import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Wallboard unavailable · Callboard' };

/** What the server's page gate (server/http/page-gate.ts) can say about a wallboard it turned away. */
const REASONS = {
  missing: {
    title: 'This wallboard has no access token',
    detail:
      'Open the wallboard with its link, which ends in ?token=…. An admin creates one with: npm run user -- token NAME --role wallboard',
  },
  invalid: {
    title: 'This wallboard’s token is not valid',
    detail: 'The token in the link is wrong or incomplete. Check that the whole link was copied, or ask an admin for a new token.',
  },
  revoked: {
    title: 'This wallboard’s token was revoked',
    detail: 'An admin revoked the token this screen was using. Ask for a new token and open the wallboard with its link.',
  },
  ended: {
    title: 'This wallboard’s access has ended',
    detail: 'Its access expired or was ended on the server. Open the wallboard with its token link again.',
  },
} as const;

type Reason = keyof typeof REASONS;
const isReason = (value: unknown): value is Reason => typeof value === 'string' && Object.hasOwn(REASONS, value);

export default async function WallboardUnavailable({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const given = (await searchParams).reason;
  const reason: Reason = isReason(given) ? given : 'missing';
  const { title, detail } = REASONS[reason];
  return (
    <main
      data-testid="wallboard-unavailable"
      data-reason={reason}
      className="dark grid min-h-dvh place-items-center bg-zinc-950 p-[5vmin] text-zinc-100"
      style={{ colorScheme: 'dark' }}
    >
      {/* Plain links: a full page load, so the server's gate decides again. */}
      <div className="max-w-[70ch] space-y-[3vmin] text-center">
        <p className="text-[clamp(1rem,2.5vmin,2rem)] font-semibold uppercase tracking-wider text-rose-300">Wallboard unavailable</p>
        <h1 className="text-[clamp(1.6rem,5vmin,4.5rem)] font-bold leading-tight tracking-tight">{title}</h1>
        <p className="text-[clamp(1rem,2.6vmin,2.2rem)] text-zinc-300">{detail}</p>
        <p className="flex flex-wrap justify-center gap-x-[4vmin] gap-y-2 text-[clamp(0.9rem,2.2vmin,1.8rem)]">
          <a href="/wallboard" className="text-sky-300 underline underline-offset-4">
            Try again
          </a>
          <a href="/login?next=%2Fwallboard" className="text-sky-300 underline underline-offset-4">
            Sign in instead
          </a>
        </p>
      </div>
    </main>
  );
}
