'use client';
/** The frame of an admin page (users, alerts, console): the logo, a way back to the board and to the other admin pages, the user menu. */
import type { ReactNode } from 'react';
import type { Me } from '@/lib/ui/session';
import { Logo } from './Logo';
import { UserMenu } from './UserMenu';

/** The server's `{error}` text of a failed request, or what we know. */
export async function errorOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: say what we know
  }
  return `The server answered ${res.status}`;
}

const link = 'text-sm text-sky-700 underline-offset-2 hover:underline dark:text-sky-400';

export function AdminShell({ me, children }: { me: Me | null; children: ReactNode }) {
  return (
    <div className="min-h-dvh">
      <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/85 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/85">
        <div className="mx-auto flex min-h-14 max-w-[1100px] flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
          <Logo />
          <a href="/" className={link}>
            Back to the board
          </a>
          <a href="/admin" className={link}>
            Users
          </a>
          <a href="/admin/alerts" className={link}>
            Alerts
          </a>
          <a href="/admin/console" className={link}>
            CLI console
          </a>
          <div className="ml-auto">
            <UserMenu me={me} />
          </div>
        </div>
      </header>
      <main className="mx-auto flex max-w-[1100px] flex-col gap-4 p-4">{children}</main>
    </div>
  );
}
