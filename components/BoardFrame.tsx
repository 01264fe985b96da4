'use client';
/**
 * The frame of every page that follows the PBXs (calls, phones, system): the
 * socket, the header with its sections, the PBX's notices, and the dimming
 * that says the data on screen is not live.
 */
import { useEffect, useMemo, type ReactNode } from 'react';
import { connectPbx } from '@/lib/store';
import { goToLogin, MeContext, useMe } from '@/lib/ui/session';
import { allowedActions, CanContext } from '@/lib/ui/grants';
import { useAnyLive } from '@/lib/ui/selectors';
import { loadPreferences } from '@/lib/ui/preferences';
import { ActionDialogs } from './ActionDialogs';
import { AlertAnnouncer } from './AlertAnnouncer';
import { AlertBanner } from './AlertBanner';
import { LinkBadges } from './LinkBadge';
import { Logo } from './Logo';
import { PbxNotices } from './PbxNotices';
import { PbxSwitcher } from './PbxSwitcher';
import { PhoneCount } from './PhoneCount';
import { ScreenPop } from './ScreenPop';
import { SectionNav } from './SectionNav';
import { Toasts } from './Toasts';
import { UserMenu } from './UserMenu';
import { WaitingTitle } from './WaitingTitle';

export function BoardFrame({
  heading,
  title,
  fitScreen = false,
  children,
}: {
  /** The page's h1, for screen readers (the header says it visually). */
  heading: string;
  /** The tab title before the waiting count. */
  title: string;
  /** From xl up the page is one screen and `main` scrolls inside (the calls board); otherwise the window scrolls. */
  fitScreen?: boolean;
  children: ReactNode;
}) {
  const me = useMe();
  useEffect(() => connectPbx({ onUnauthorized: goToLogin }), []);
  useEffect(() => void loadPreferences(), []);
  const can = useMemo(() => allowedActions(me), [me]);
  // The whole page dims only when nothing on it is live; one stale PBX among several dims its own rows and cards.
  const live = useAnyLive();

  return (
    <CanContext value={can}>
      <MeContext value={me}>
        <div className={`flex min-h-dvh flex-col ${fitScreen ? 'xl:h-dvh' : ''}`}>
          <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/85 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/85">
            <div className="mx-auto flex h-14 max-w-[1600px] items-center gap-2 px-3 sm:gap-3 sm:px-4">
              <Logo compact />
              <SectionNav />
              <PbxSwitcher />
              <div className="ml-auto flex items-center gap-3">
                <PhoneCount />
                <LinkBadges />
                <UserMenu me={me} />
              </div>
            </div>
            <PbxNotices />
            <AlertBanner />
          </header>

          {/* The last known state stays on screen, visibly dimmed, until the link and its resync are back. */}
          <main
            aria-busy={!live}
            data-stale={!live || undefined}
            className={`mx-auto flex w-full max-w-[1600px] flex-1 flex-col gap-4 p-3 transition-[opacity,filter] sm:p-4 ${
              fitScreen ? 'xl:min-h-0 xl:overflow-y-auto' : ''
            } ${live ? '' : 'opacity-60 grayscale'}`}
          >
            <h1 className="sr-only">{heading}</h1>
            {children}
          </main>
          <Toasts />
          <ActionDialogs />
          <WaitingTitle base={title} />
          <AlertAnnouncer />
          <ScreenPop />
        </div>
      </MeContext>
    </CanContext>
  );
}
