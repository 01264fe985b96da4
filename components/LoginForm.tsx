'use client';
import { useEffect, useState, type FormEvent } from 'react';
import type { Role } from '@/lib/protocol';
import { buttonStyles, inputStyles } from './Dialog';
import { IconAlert, IconSpinner } from './icons';
import { Logo } from './Logo';
import { ThemeSwitch } from './ThemeSwitch';

interface LoginInfo {
  demo: boolean;
  /** This page came over plain HTTP from another machine: a password would cross the network in clear. */
  insecure?: boolean;
  accounts?: { username: string; password: string; role: Role }[];
}

/** Only same-site paths: never let ?next= send someone elsewhere. */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export function LoginForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [info, setInfo] = useState<LoginInfo | null>(null);

  useEffect(() => {
    fetch('/api/login-info', { cache: 'no-store' })
      .then((r) => (r.ok ? (r.json() as Promise<LoginInfo>) : null))
      .then(setInfo)
      .catch(() => setInfo(null));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const res = await fetch('/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ username, password }),
      });
      if (res.ok) {
        location.assign(nextPath());
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      if (res.status === 401) setError(body.error ?? 'Wrong username or password');
      else if (res.status === 429) setError(body.error ?? 'Too many login attempts. Try again later.');
      else setError(body.error ?? `The server answered ${res.status}. Try again.`);
    } catch {
      setError("Can't reach the Callboard server. Check your connection and try again.");
    }
    setBusy(false);
  };

  return (
    <div className="flex min-h-dvh flex-col items-center justify-center px-4 py-10">
      <div className="absolute right-4 top-4">
        <ThemeSwitch />
      </div>
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo />
        </div>
        <div className="rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <h1 className="text-lg font-semibold tracking-tight">Sign in</h1>
          <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">Live calls, queues and agents of your PBX.</p>
          {info?.insecure && (
            <p
              data-testid="insecure-warning"
              role="status"
              className="mt-4 flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/50 dark:text-amber-200"
            >
              <IconAlert className="mt-0.5 shrink-0" width={14} height={14} />
              This connection is not encrypted: your password would cross the network in clear. Ask your admin to serve Callboard over
              HTTPS.
            </p>
          )}
          <form onSubmit={submit} className="mt-5 space-y-4" noValidate>
            <div>
              <label htmlFor="username" className="block text-sm font-medium">
                Username
              </label>
              <input
                id="username"
                name="username"
                autoComplete="username"
                autoFocus
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                className={`${inputStyles} mt-1.5`}
              />
            </div>
            <div>
              <label htmlFor="password" className="block text-sm font-medium">
                Password
              </label>
              <input
                id="password"
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'login-error' : undefined}
                className={`${inputStyles} mt-1.5`}
              />
            </div>
            {error && (
              <p
                id="login-error"
                role="alert"
                className="flex items-start gap-2 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-700 dark:bg-rose-950/50 dark:text-rose-300"
              >
                <IconAlert className="mt-0.5 shrink-0" width={14} height={14} />
                {error}
              </p>
            )}
            <button type="submit" disabled={busy} className={`${buttonStyles.primary} w-full`}>
              {busy && <IconSpinner width={14} height={14} />} Sign in
            </button>
          </form>
        </div>
        {info?.demo && info.accounts && info.accounts.length > 0 && (
          <div className="mt-4 rounded-2xl border border-dashed border-zinc-300 p-4 dark:border-zinc-700">
            <p className="text-xs font-medium uppercase tracking-wider text-zinc-600 dark:text-zinc-400">Demo accounts</p>
            <ul className="mt-2 grid gap-1">
              {info.accounts.map((a) => (
                <li key={a.username}>
                  <button
                    type="button"
                    onClick={() => {
                      setUsername(a.username);
                      setPassword(a.password);
                      setError('');
                    }}
                    className="flex w-full items-center justify-between rounded-lg px-2.5 py-1.5 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
                  >
                    <span className="font-mono text-[13px]">
                      {a.username} / {a.password}
                    </span>
                    <span className="text-xs capitalize text-zinc-600 dark:text-zinc-400">{a.role}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
