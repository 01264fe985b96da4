'use client';
import { useEffect } from 'react';
import { selectPbx, usePbx } from '@/lib/store';
import { inputStyles } from './Dialog';

const PARAM = 'pbx';

/**
 * Which PBX the dashboard shows, or all of them; kept in the URL (`?pbx=`)
 * so a bookmark or a shared link opens the same view. With one PBX it is
 * just that PBX's name.
 */
export function PbxSwitcher() {
  const boards = usePbx((s) => s.boards);
  const selected = usePbx((s) => s.selected);
  const version = boards.length === 1 ? boards[0].state.pbx.version : '';

  // The URL's choice once the list is known; an id that is not (or no longer) configured means all.
  const known = boards.map((b) => b.id).join(' ');
  useEffect(() => {
    const wanted = new URLSearchParams(location.search).get(PARAM);
    if (wanted && known.split(' ').includes(wanted)) selectPbx(wanted);
  }, [known]);

  if (boards.length === 0) return null;
  if (boards.length === 1) {
    return (
      <span
        className="hidden truncate text-sm text-zinc-600 dark:text-zinc-400 md:inline"
        title={version ? `Asterisk ${version}` : undefined}
      >
        <span className="mr-3 text-zinc-300 dark:text-zinc-700" aria-hidden="true">
          /
        </span>
        {boards[0].label}
      </span>
    );
  }
  const choose = (value: string) => {
    const pbx = value === '' ? null : value;
    selectPbx(pbx);
    const url = new URL(location.href);
    if (pbx) url.searchParams.set(PARAM, pbx);
    else url.searchParams.delete(PARAM);
    history.replaceState(history.state, '', url);
  };
  return (
    <label className="min-w-0">
      <span className="sr-only">PBX</span>
      <select
        data-testid="pbx-switcher"
        value={selected ?? ''}
        onChange={(e) => choose(e.target.value)}
        className={`${inputStyles} h-8 max-w-[14rem] pr-7 text-sm`}
      >
        <option value="">All PBXs</option>
        {boards.map((b) => (
          <option key={b.id} value={b.id}>
            {b.label}
          </option>
        ))}
      </select>
    </label>
  );
}
