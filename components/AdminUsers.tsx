'use client';
/**
 * Users and what they may do and see: role, actions, queues and their own
 * phone, one form per user. The server validates every change and says what
 * is wrong; its words are shown as they are.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ACTION_KINDS, ROLE_ACTIONS, type ActionKind } from '@/lib/grants';
import { goToLogin, useMe } from '@/lib/ui/session';
import { AdminShell, errorOf } from './AdminShell';

type UserRole = 'viewer' | 'supervisor' | 'admin';
const ROLES: readonly UserRole[] = ['viewer', 'supervisor', 'admin'];

interface UserView {
  name: string;
  role: UserRole;
  created: string;
  actions: ActionKind[] | null;
  queues: string[] | null;
  extension: string;
  allowed: ActionKind[];
}

export function AdminUsers() {
  const me = useMe();
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    fetch('/api/admin/users', { credentials: 'same-origin', cache: 'no-store' })
      .then(async (res) => {
        if (res.status === 401) return goToLogin();
        const next = res.ok
          ? { users: ((await res.json()) as { users: UserView[] }).users, error: '' }
          : { users: null, error: await errorOf(res) };
        if (!live) return;
        setUsers(next.users);
        setError(next.error);
      })
      .catch(() => {
        if (live) setError('The server could not be reached');
      });
    return () => {
      live = false;
    };
  }, []);

  return (
    <AdminShell me={me}>
      <h1 className="text-lg font-semibold">Users and permissions</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        A user limited to some queues sees only those queues, their agents, their waiting callers and their calls. Actions can only narrow
        what the role allows. Users are added on the server with <code>npm run user -- add</code>.
      </p>
      {error && (
        <p
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {error}
        </p>
      )}
      {users === null && !error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>}
      {users?.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">No users in users.json yet.</p>}
      <ul className="flex flex-col gap-3">
        {users?.map((u) => (
          <li key={u.name}>
            <UserForm user={u} onSaved={(next) => setUsers((list) => list?.map((x) => (x.name === next.name ? next : x)) ?? null)} />
          </li>
        ))}
      </ul>
    </AdminShell>
  );
}

function UserForm({ user, onSaved }: { user: UserView; onSaved: (user: UserView) => void }) {
  const id = useId();
  const [role, setRole] = useState<UserRole>(user.role);
  const [everyAction, setEveryAction] = useState(user.actions === null);
  const [actions, setActions] = useState<ActionKind[]>(user.actions ?? [...ROLE_ACTIONS[user.role]]);
  const [queues, setQueues] = useState((user.queues ?? []).join(', '));
  const [extension, setExtension] = useState(user.extension);
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' });
  const roleAllows = ROLE_ACTIONS[role];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus({ kind: 'saving' });
    const list = queues
      .split(',')
      .map((q) => q.trim())
      .filter(Boolean);
    const body = {
      role,
      actions: everyAction ? null : ACTION_KINDS.filter((a) => actions.includes(a)),
      queues: list.length ? list : null,
      extension: extension.trim() || null,
    };
    try {
      const res = await fetch(`/api/admin/users/${encodeURIComponent(user.name)}`, {
        method: 'PATCH',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status === 401) return goToLogin();
      if (!res.ok) return setStatus({ kind: 'error', message: await errorOf(res) });
      onSaved((await res.json()) as UserView);
      setStatus({ kind: 'saved' });
    } catch {
      setStatus({ kind: 'error', message: 'The server could not be reached; nothing was changed' });
    }
  };

  const field = 'rounded-lg border border-zinc-300 bg-white px-2.5 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900';
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-labelledby={`${id}-name`}
      className="flex flex-col gap-3 rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900/50"
      data-testid={`user-${user.name}`}
    >
      <h2 id={`${id}-name`} className="font-medium">
        {user.name}
      </h2>
      <div className="flex flex-wrap gap-4">
        <label className="flex flex-col gap-1 text-sm">
          Role
          <select className={field} value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Queues (comma-separated; empty for every queue)
          <input className={field} value={queues} onChange={(e) => setQueues(e.target.value)} placeholder="every queue" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Own extension
          <input
            className={field}
            value={extension}
            onChange={(e) => setExtension(e.target.value)}
            inputMode="tel"
            placeholder="none"
            size={8}
          />
        </label>
      </div>
      <fieldset className="flex flex-col gap-2">
        <legend className="text-sm">Actions</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={everyAction} onChange={(e) => setEveryAction(e.target.checked)} />
          Everything the role allows
        </label>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {ACTION_KINDS.map((a) => (
            <label key={a} className={`flex items-center gap-1.5 text-sm ${roleAllows.includes(a) ? '' : 'text-zinc-500'}`}>
              <input
                type="checkbox"
                disabled={everyAction}
                checked={everyAction ? roleAllows.includes(a) : actions.includes(a)}
                onChange={(e) => setActions((list) => (e.target.checked ? [...list, a] : list.filter((x) => x !== a)))}
              />
              {a}
            </label>
          ))}
        </div>
        {roleAllows.length === 0 && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">A {role} may take no action, whatever is ticked.</p>
        )}
      </fieldset>
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={status.kind === 'saving'}
          className="rounded-lg bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-60"
        >
          Save {user.name}
        </button>
        <span aria-live="polite" className="text-sm">
          {status.kind === 'saving' && 'Saving…'}
          {status.kind === 'saved' && 'Saved'}
          {status.kind === 'error' && (
            <span role="alert" className="text-red-700 dark:text-red-300">
              {status.message}
            </span>
          )}
        </span>
      </div>
    </form>
  );
}
