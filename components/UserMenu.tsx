'use client';
import { useEffect, useRef, useState } from 'react';
import { logout, type Me } from '@/lib/ui/session';
import { IconAlert, IconChevron, IconLogout, IconWallboard, IconMonitor, IconUsers } from './icons';
import { PreferencesDialog } from './PreferencesDialog';
import { ThemeSwitch } from './ThemeSwitch';

const ROLE_LABEL = { viewer: 'Viewer', supervisor: 'Supervisor', admin: 'Admin', wallboard: 'Wallboard' } as const;

export function UserMenu({ me }: { me: Me | null }) {
  const [open, setOpen] = useState(false);
  const [settings, setSettings] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const initial = (me?.user ?? '?').slice(0, 1).toUpperCase();
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="flex items-center gap-2 rounded-lg py-1 pl-1 pr-2 hover:bg-zinc-100 dark:hover:bg-zinc-800"
      >
        {/* Named by its visible text plus this, so the name contains what the button shows (label-content-name-mismatch). */}
        <span className="sr-only">User menu</span>
        <span
          aria-hidden="true"
          className="grid size-7 place-items-center rounded-full bg-gradient-to-br from-sky-700 to-indigo-600 text-xs font-semibold text-white"
        >
          {initial}
        </span>
        <span className="hidden text-left leading-tight sm:block">
          <span className="block text-sm font-medium">{me?.user ?? ' '}</span>
          <span className="block text-[11px] text-zinc-600 dark:text-zinc-400" data-testid="user-role">
            {me ? ROLE_LABEL[me.role] : ' '}
          </span>
        </span>
        <IconChevron className="text-zinc-400" width={14} height={14} />
      </button>
      {open && (
        <div
          role="menu"
          className="absolute right-0 z-30 mt-2 w-60 rounded-xl border border-zinc-200 bg-white p-1.5 shadow-xl shadow-black/5 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="px-2.5 py-2">
            <div className="text-sm font-medium">{me?.user}</div>
            <div className="text-xs text-zinc-600 dark:text-zinc-400">{me ? ROLE_LABEL[me.role] : ''}</div>
          </div>
          <div className="flex items-center justify-between px-2.5 py-2">
            <span className="text-sm text-zinc-600 dark:text-zinc-300">Theme</span>
            <ThemeSwitch />
          </div>
          <div className="my-1 h-px bg-zinc-100 dark:bg-zinc-800" />
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              setSettings(true);
            }}
            className="flex w-full items-center gap-2 rounded-lg px-2.5 py-2 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
          >
            <IconAlert /> Alerts and integrations
          </button>
          {me?.role === 'admin' && (
            <a
              role="menuitem"
              href="/admin"
              className="flex items-center gap-2 rounded-lg px-2.5 py-2 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
            >
              <IconUsers /> Users and permissions
            </a>
          )}
          {me?.role === 'admin' && (
            <a
              role="menuitem"
              href="/admin/console"
              className="flex items-center gap-2 rounded-lg px-2.5 py-2 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
            >
              <IconMonitor /> CLI console
            </a>
          )}
          <a
            role="menuitem"
            href="/wallboard"
            target="_blank"
            rel="noreferrer"
            className="flex items-center gap-2 rounded-lg px-2.5 py-2 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
          >
            <IconWallboard /> Open wallboard
          </a>
          <button
            type="button"
            role="menuitem"
            onClick={() => void logout()}
            className="flex w-full items-center gap-2 rounded-lg px-2.5 py-2 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
          >
            <IconLogout /> Log out
          </button>
        </div>
      )}
      <PreferencesDialog open={settings} onClose={() => setSettings(false)} />
    </div>
  );
}
