'use client';
import { useEffect, useMemo } from 'react';
import { connectPbx } from '@/lib/store';
import { goToLogin, useMe } from '@/lib/ui/session';
import { allowedActions, CanContext } from '@/lib/ui/grants';
import { useAnyLive } from '@/lib/ui/selectors';
import { ActionDialogs } from './ActionDialogs';
import { AgentGrid } from './AgentGrid';
import { CallsPanel } from './CallsPanel';
import { LinkBadges } from './LinkBadge';
import { PbxSwitcher } from './PbxSwitcher';
import { PhoneCount } from './PhoneCount';
import { PbxNotices } from './PbxNotices';
import { ParkedPanel } from './ParkedPanel';
import { QueueCards } from './QueueCards';
import { StatStrip } from './StatStrip';
import { Toasts } from './Toasts';
import { UserMenu } from './UserMenu';
import { Logo } from './Logo';
import { WaitingTitle } from './WaitingTitle';

export function Dashboard() {
  const me = useMe();
  useEffect(() => connectPbx({ onUnauthorized: goToLogin }), []);
  const can = useMemo(() => allowedActions(me), [me]);
  // The whole page dims only when nothing on it is live; one stale PBX among several dims its own rows and cards.
  const live = useAnyLive();

  return (
    // From xl up the page is one screen: the calls panel takes the height the counts, queues and agents leave it
    // (never more than its rows need), and scrolls inside. Below xl the page scrolls as usual.
    <CanContext value={can}>
      <div className="flex min-h-dvh flex-col xl:h-dvh">
        <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/85 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/85">
          <div className="mx-auto flex h-14 max-w-[1600px] items-center gap-3 px-4">
            <Logo />
            <PbxSwitcher />
            <div className="ml-auto flex items-center gap-3">
              <PhoneCount />
              <LinkBadges />
              <UserMenu me={me} />
            </div>
          </div>
          <PbxNotices />
        </header>

        {/* The last known state stays on screen, visibly dimmed, until the link and its resync are back. */}
        <main
          aria-busy={!live}
          data-stale={!live || undefined}
          className={`mx-auto flex w-full max-w-[1600px] flex-1 flex-col gap-4 p-4 transition-[opacity,filter] xl:min-h-0 xl:overflow-y-auto ${live ? '' : 'opacity-60 grayscale'}`}
        >
          <h1 className="sr-only">Live calls</h1>
          <StatStrip />
          <div className="grid gap-4 xl:min-h-64 xl:flex-[0_1_auto] xl:grid-cols-[minmax(0,1fr)_22rem] xl:grid-rows-[minmax(0,1fr)] xl:items-start">
            <CallsPanel />
            <div className="flex min-h-0 min-w-0 flex-col gap-4 xl:max-h-full xl:overflow-y-auto">
              <ParkedPanel />
              <QueueCards />
            </div>
          </div>
          <AgentGrid />
        </main>
        <Toasts />
        <ActionDialogs />
        <WaitingTitle base="Callboard" />
      </div>
    </CanContext>
  );
}
