'use client';
/** What keeps a PBX's phones from being listed (a PJSIP list refused): said where phones are, not in a banner on every page. */
import type { Board } from '@/lib/store';
import { IconAlert } from './icons';

export function PhoneNotices({ boards, named }: { boards: readonly Board[]; named: boolean }) {
  const notes = boards.flatMap((b) => b.state.pbx.phoneNotices.map((text) => ({ pbx: b.id, label: b.label, text })));
  if (notes.length === 0) return null;
  return (
    <ul data-testid="phone-notices" className="space-y-1 text-xs text-zinc-700 dark:text-zinc-300">
      {notes.map((n) => (
        <li key={`${n.pbx} ${n.text}`} className="flex items-start gap-2 rounded-lg bg-zinc-100 px-3 py-2 dark:bg-zinc-900">
          <IconAlert width={14} height={14} className="mt-px shrink-0 text-zinc-500" />
          <span>
            {named && <strong className="font-semibold">{n.label}: </strong>}
            Phones are not listed in full. {n.text}.
          </span>
        </li>
      ))}
    </ul>
  );
}
