/**
 * Each user's own settings (lib/preferences.ts) in `preferences.json` in the
 * data directory, apart from `users.json`: a user writes their own here, the
 * demo's accounts (which live in no file) included, and a broken or missing
 * file costs a user their sound setting, never their login.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PREFERENCES, preferencesSchema, type Preferences } from '../../lib/preferences';

/** Every account a site could have, with room: past it a new user's settings are refused, never an old one's. */
const MAX_USERS = 10_000;

const fileSchema = z.object({
  version: z.literal(1),
  users: z.array(z.object({ name: z.string().max(200), preferences: z.unknown() })).max(MAX_USERS),
});

export class PreferencesStore {
  private readonly file: string;
  /** By user name: names come from logins, and a Map takes `__proto__` as any other. */
  private readonly byUser = new Map<string, Preferences>();

  constructor(
    dataDir: string,
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    this.file = path.join(dataDir, 'preferences.json');
    this.load();
  }

  get(user: string): Preferences {
    return this.byUser.get(user) ?? DEFAULT_PREFERENCES;
  }

  /** Stores `preferences` (already validated) for `user`; false when the store is full. */
  set(user: string, preferences: Preferences): boolean {
    if (!this.byUser.has(user) && this.byUser.size >= MAX_USERS) return false;
    this.byUser.set(user, preferences);
    const data = { version: 1, users: [...this.byUser].map(([name, p]) => ({ name, preferences: p })) };
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    return true;
  }

  private load(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onWarning(`${this.file} could not be read: ${String(err)}`);
      return;
    }
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(text));
    } catch (err) {
      this.onWarning(
        `${this.file} is not valid; everyone's preferences start from the defaults: ${err instanceof Error ? err.message.slice(0, 200) : ''}`,
      );
      return;
    }
    for (const { name, preferences } of parsed.users) {
      const one = preferencesSchema.safeParse(preferences);
      if (one.success) this.byUser.set(name, one.data);
      else this.onWarning(`${this.file}: the preferences of ${name.slice(0, 64)} are not valid and were left out`);
    }
  }
}
