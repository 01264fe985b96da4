'use client';
/**
 * The user's own settings: the alert sound, browser notifications, the
 * screen-pop into their CRM, and Callboard as the browser's handler for
 * tel: links. Saved on the server, per user.
 */
import { useState, type FormEvent } from 'react';
import { preferencesSchema, SCREEN_POP_FIELDS, templateProblem, type Preferences } from '@/lib/preferences';
import { playTone, unlockTone } from '@/lib/ui/alert-tone';
import { savePreferences, usePreferences } from '@/lib/ui/preferences';
import { useMeInFrame } from '@/lib/ui/session';
import { registerTelHandler, telHandlerSupported } from '@/lib/ui/tel-handler';
import { showToast } from '@/lib/ui/toasts';
import { Dialog, buttonStyles } from './Dialog';
import { FormActions, FormField } from './FormField';

const input =
  'mt-1 w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-950 aria-[invalid=true]:border-rose-500';

export function PreferencesDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Alerts and integrations" description="Your own settings; nobody else's board changes.">
      {open && <PreferencesForm onClose={onClose} />}
    </Dialog>
  );
}

function PreferencesForm({ onClose }: { onClose: () => void }) {
  const saved = usePreferences((s) => s.preferences);
  const me = useMeInFrame();
  const [sound, setSound] = useState(saved.sound);
  const [notifications, setNotifications] = useState(saved.notifications);
  const [url, setUrl] = useState(saved.screenPop?.url ?? '');
  const [on, setOn] = useState(saved.screenPop?.on ?? 'ringing');
  const [openIn, setOpenIn] = useState(saved.screenPop?.open ?? 'tab');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const urlProblem = url.trim() ? templateProblem(url.trim()) : null;

  async function askNotifications(want: boolean) {
    if (!want) return setNotifications(false);
    if (typeof Notification !== 'function') return setError('This browser has no notifications');
    const answer = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (answer === 'granted') setNotifications(true);
    else setError('The browser refused notifications for this site; allow them in its site settings, then try again');
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: Preferences = preferencesSchema.parse({
      sound,
      notifications,
      screenPop: url.trim() ? { url: url.trim(), on, open: openIn } : null,
    });
    setBusy(true);
    const result = await savePreferences(next);
    setBusy(false);
    if (!result.ok) return setError(result.message);
    showToast({ tone: 'success', title: 'Settings saved' });
    onClose();
  }

  return (
    <form onSubmit={submit} className="mt-4 space-y-4" noValidate>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">When an alert fires</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={sound}
            onChange={(e) => {
              setSound(e.target.checked);
              // This click is what lets the page sound later; the tone says it works.
              if (e.target.checked) {
                unlockTone();
                playTone('warning');
              }
            }}
          />
          Play a sound
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={notifications} onChange={(e) => void askNotifications(e.target.checked)} />
          Show a browser notification
        </label>
      </fieldset>

      <FormField
        id="screen-pop-url"
        label="Screen-pop URL"
        hint={`Opens when a call rings at your phone${me?.extension ? ` (${me.extension})` : ''}. Placeholders: ${SCREEN_POP_FIELDS.map((f) => `{${f}}`).join(' ')}`}
        error={urlProblem ?? ''}
      >
        <input
          id="screen-pop-url"
          className={input}
          value={url}
          placeholder="https://crm.example/lookup?phone={callerNum}&queue={queue}"
          aria-invalid={Boolean(urlProblem)}
          aria-describedby="screen-pop-url-hint"
          onChange={(e) => setUrl(e.target.value)}
        />
      </FormField>
      {!me?.extension && url.trim() && (
        <p className="text-xs text-amber-800 dark:text-amber-300">You have no phone of your own set: an admin sets it on the users page.</p>
      )}
      <div className="grid grid-cols-2 gap-3">
        <label className="text-sm font-medium">
          Open it
          <select className={input} value={on} onChange={(e) => setOn(e.target.value as 'ringing' | 'answered')}>
            <option value="ringing">when it rings</option>
            <option value="answered">when I answer</option>
          </select>
        </label>
        <label className="text-sm font-medium">
          As
          <select className={input} value={openIn} onChange={(e) => setOpenIn(e.target.value as 'tab' | 'toast')}>
            <option value="tab">a new tab</option>
            <option value="toast">a link in a notice</option>
          </select>
        </label>
      </div>

      {telHandlerSupported() && (
        <div className="flex items-center justify-between gap-3 rounded-lg bg-zinc-50 p-3 text-sm dark:bg-zinc-800/60">
          <span>Call tel: links on any page from your phone, through Callboard</span>
          <button type="button" className={`${buttonStyles.secondary} shrink-0 whitespace-nowrap`} onClick={() => registerTelHandler()}>
            Use for tel: links
          </button>
        </div>
      )}

      {error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {error}
        </p>
      )}
      <FormActions onCancel={onClose} submit={busy ? 'Saving…' : 'Save'} disabled={busy || Boolean(urlProblem)} />
    </form>
  );
}
