'use client';
/**
 * The admin CLI console: one command at a time through AMI's `Command`, with
 * the PBX's output in monospace, a history (↑ and ↓ in the field) and a copy
 * button. What may run is the server's allowlist; its refusal is shown as
 * it is, and so is Asterisk's answer.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { goToLogin, useMe } from '@/lib/ui/session';
import { AdminShell, errorOf } from './AdminShell';
import { buttonStyles, inputStyles } from './Dialog';

interface Entry {
  id: number;
  pbx: string;
  command: string;
  ok: boolean;
  /** Output lines, or the refusal as one line. */
  lines: string[];
  note: string;
}

/** The page keeps the last few answers; each is already cut by the server. */
const MAX_ENTRIES = 20;
const MAX_HISTORY = 50;

export function CliConsole() {
  const me = useMe();
  const uid = useId();
  const [pbxs, setPbxs] = useState<{ id: string; label: string }[]>([]);
  const [pbx, setPbx] = useState('');
  /** Why there is no PBX to send to: the list failed to load (null while it loads or once it has). */
  const [listError, setListError] = useState<string | null>(null);
  const [command, setCommand] = useState('core show uptime');
  const [busy, setBusy] = useState(false);
  const [entries, setEntries] = useState<Entry[]>([]);
  const history = useRef<string[]>([]);
  const cursor = useRef(-1);
  const nextId = useRef(1);

  useEffect(() => {
    fetch('/api/pbx', { credentials: 'same-origin', cache: 'no-store' })
      .then(async (res) => {
        if (res.status === 401) return goToLogin();
        if (!res.ok) return setListError(`The PBX list did not load (HTTP ${res.status}). Reload the page to try again.`);
        const list = (await res.json()) as { id: string; label: string }[];
        setPbxs(list);
        setPbx((current) => current || list[0]?.id || '');
        if (list.length === 0) setListError('No PBX is configured.');
      })
      .catch(() => setListError('The server could not be reached. Reload the page to try again.'));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = command.trim();
    if (!text || !pbx || busy) return;
    history.current = [text, ...history.current.filter((h) => h !== text)].slice(0, MAX_HISTORY);
    cursor.current = -1;
    setBusy(true);
    let entry: Entry;
    try {
      const res = await fetch(`/api/pbx/${encodeURIComponent(pbx)}/command`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ command: text }),
      });
      if (res.ok) {
        const body = (await res.json()) as { message: string; output?: string[]; truncated?: boolean };
        entry = { id: nextId.current++, pbx, command: text, ok: true, lines: body.output ?? [], note: body.message };
      } else {
        entry = { id: nextId.current++, pbx, command: text, ok: false, lines: [await errorOf(res)], note: `HTTP ${res.status}` };
      }
    } catch {
      entry = { id: nextId.current++, pbx, command: text, ok: false, lines: ['The server could not be reached'], note: '' };
    }
    setEntries((list) => [entry, ...list].slice(0, MAX_ENTRIES));
    setBusy(false);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const h = history.current;
    if (h.length === 0) return;
    e.preventDefault();
    cursor.current = Math.max(-1, Math.min(h.length - 1, cursor.current + (e.key === 'ArrowUp' ? 1 : -1)));
    setCommand(cursor.current < 0 ? '' : h[cursor.current]);
  };

  return (
    <AdminShell me={me}>
      <h1 className="text-lg font-semibold">CLI console</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Read-only commands by default (<code>core show *</code>, <code>pjsip show *</code>, <code>queue show*</code>, …), set by{' '}
        <code>CALLBOARD_CLI_ALLOW</code>. Commands that stop, restart or change the PBX run only when the setting names them one by one.
        Every command is audited with the size of its output.
      </p>
      <form onSubmit={(e) => void submit(e)} className="flex flex-wrap items-end gap-2" noValidate>
        {pbxs.length > 1 && (
          <div>
            <label htmlFor={`${uid}-pbx`} className="block text-sm font-medium">
              PBX
            </label>
            <select id={`${uid}-pbx`} value={pbx} onChange={(e) => setPbx(e.target.value)} className={`${inputStyles} mt-1.5`}>
              {pbxs.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="min-w-[16rem] flex-1">
          <label htmlFor={`${uid}-command`} className="block text-sm font-medium">
            Command
          </label>
          <input
            id={`${uid}-command`}
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            onKeyDown={onKey}
            autoComplete="off"
            spellCheck={false}
            className={`${inputStyles} mt-1.5 font-mono`}
            data-testid="cli-command"
          />
        </div>
        <button type="submit" className={buttonStyles.primary} disabled={busy || !pbx}>
          {busy ? 'Running…' : 'Run'}
        </button>
      </form>
      {/* Run stays disabled without a PBX: say why, so a command typed meanwhile is not a silent no-op. */}
      {!pbx && (
        <p role="status" data-testid="cli-status" className="text-sm text-zinc-600 dark:text-zinc-400">
          {listError ?? 'Loading the PBX list…'}
        </p>
      )}
      <div className="flex flex-col gap-3" aria-live="polite">
        {entries.map((e) => (
          <section
            key={e.id}
            data-testid="cli-entry"
            data-ok={e.ok}
            className={`rounded-xl border ${e.ok ? 'border-zinc-200 dark:border-zinc-800' : 'border-rose-200 dark:border-rose-900'} bg-white dark:bg-zinc-900`}
          >
            <header className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800">
              <code className="font-semibold">{e.command}</code>
              <span className="text-zinc-600 dark:text-zinc-400">
                {pbxs.length > 1 ? `${e.pbx} · ` : ''}
                {e.note}
              </span>
              <button
                type="button"
                className={`${buttonStyles.ghost} ml-auto h-7 px-2 text-xs`}
                onClick={() => void navigator.clipboard?.writeText(e.lines.join('\n'))}
              >
                Copy
              </button>
            </header>
            <pre
              className={`max-h-[60vh] overflow-auto whitespace-pre p-3 font-mono text-xs leading-relaxed ${e.ok ? '' : 'text-rose-700 dark:text-rose-400'}`}
              data-testid="cli-output"
            >
              {e.lines.join('\n') || '(no output)'}
            </pre>
          </section>
        ))}
      </div>
    </AdminShell>
  );
}
