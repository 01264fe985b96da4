/**
 * Users and tokens in `users.json` in the data directory. Every write goes to
 * a temporary file that is renamed over the old one, so a crash never leaves
 * half a file. The file is re-read when it changes on disk, so the user CLI
 * can add users or revoke tokens while the server runs.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
// Relative, not `@/lib`: the user CLI loads this file from any directory, where tsx finds no tsconfig paths.
import { ACTION_KINDS, type ActionKind } from '../../lib/grants';
import { extensionSchema } from '../../lib/actions';
import { hashPassword } from './passwords';

export const USER_ROLES = ['viewer', 'supervisor', 'admin'] as const;
export const TOKEN_ROLES = ['viewer', 'supervisor', 'wallboard'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const usernameSchema = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'A user name is 1 to 64 letters, digits or ._@-');

/** A queue name as Asterisk's queues.conf allows it, and as a scope may name it. */
export const queueNameSchema = z
  .string({ error: 'A queue name must be text' })
  .regex(/^[A-Za-z0-9_.-]{1,80}$/, 'A queue name is 1 to 80 letters, digits or _.-');

export const actionKindSchema = z.enum(ACTION_KINDS, {
  error: (issue) => `Unknown action ${JSON.stringify(String(issue.input).slice(0, 40))}; the action kinds are ${ACTION_KINDS.join(', ')}`,
});

/** Settings that narrow what a user may do and see (lib/grants.ts); each absent means "as the role allows". */
export const userGrantFields = {
  /** A subset of the role's actions; absent = every action the role allows. */
  actions: z
    .array(actionKindSchema)
    .max(ACTION_KINDS.length * 2)
    .optional(),
  /** The queues the user is limited to; absent = every queue (and every call). */
  queues: z.array(queueNameSchema).max(500, 'At most 500 queues').optional(),
  /** The user's own phone; absent = none. */
  extension: extensionSchema.optional(),
};

const storedUser = z.object({
  name: z.string(),
  role: z.enum(USER_ROLES),
  password: z.string(),
  created: z.string(),
  ...userGrantFields,
});
const storedToken = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  /** sha256 of the whole token, hex. The token itself is never stored. */
  hash: z.string(),
  created: z.string(),
  /** The queues a token is limited to (a team's TV); absent = every queue. */
  queues: userGrantFields.queues,
});
const usersFile = z.object({
  version: z.literal(1),
  users: z.array(storedUser),
  tokens: z.array(storedToken),
});

export type StoredUser = z.infer<typeof storedUser>;
/** The whole store: what several nodes share (server/cluster/shared-auth.ts). */
export type UsersDocument = z.infer<typeof usersFile>;

/** A change to a user: undefined keeps a field, null clears a setting. */
export interface UserChange {
  role?: UserRole;
  actions?: readonly ActionKind[] | null;
  queues?: readonly string[] | null;
  extension?: string | null;
}

function setOrClear<K extends 'actions' | 'queues' | 'extension'>(user: StoredUser, key: K, value: StoredUser[K] | null | undefined): void {
  if (value === undefined) return;
  if (value === null) delete user[key];
  else user[key] = value;
}
export type StoredToken = z.infer<typeof storedToken>;
type UsersFile = z.infer<typeof usersFile>;

const TOKEN_PREFIX = 'cbt_';

export class UserStoreError extends Error {
  override name = 'UserStoreError';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How long a lock file may sit before it counts as left behind by a crashed process. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** `users[1].role: Invalid option …`: where in the file a schema problem is, for a person to fix. */
export function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'unknown problem';
  const where = issue.path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
  return `${where || '(top level)'}: ${issue.message}`;
}

export interface UserStoreOptions {
  /** Told once per broken version of the file while the last good users stay in use. */
  onError?: (error: UserStoreError) => void;
}

export class UserStore {
  readonly file: string;
  private readonly lockFile: string;
  private data: UsersFile = { version: 1, users: [], tokens: [] };
  private loadedStamp = '';
  private loadedOnce = false;
  private brokenStamp = '';
  /** The problem with the file on disk, while the last good users are in use; null when it is fine. */
  lastError: UserStoreError | null = null;
  private readonly onError: (error: UserStoreError) => void;
  private readonly changeListeners = new Set<() => void>();

  constructor(dataDir: string, opts: UserStoreOptions = {}) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'users.json');
    this.lockFile = `${this.file}.lock`;
    this.onError = opts.onError ?? (() => {});
    // At start a broken file stops the server with the message: there are no good users to fall back on.
    this.read(true);
  }

  /**
   * Re-reads the file if it changed since the last read (a cheap stat
   * otherwise). A file that breaks the schema after a good one was read is
   * reported once and the last good users stay in use, so a typo in a hand
   * edit neither crashes the server nor logs everyone out.
   */
  refresh(): void {
    this.read(!this.loadedOnce);
  }

  private read(strict: boolean): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch {
      this.data = { version: 1, users: [], tokens: [] };
      this.loadedStamp = '';
      this.loadedOnce = true;
      this.lastError = null;
      return;
    }
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (stamp === this.loadedStamp || (!strict && stamp === this.brokenStamp)) return;
    let parsed: UsersFile;
    try {
      parsed = this.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (err) {
      const error = err instanceof UserStoreError ? err : new UserStoreError(`${this.file} could not be read: ${(err as Error).message}`);
      if (strict) throw error;
      this.brokenStamp = stamp;
      this.lastError = error;
      this.onError(error);
      return;
    }
    this.data = parsed;
    this.loadedStamp = stamp;
    this.loadedOnce = true;
    this.brokenStamp = '';
    this.lastError = null;
  }

  private parse(text: string): UsersFile {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new UserStoreError(`${this.file} is not valid JSON (${(err as Error).message}); fix it or restore a backup`);
    }
    const parsed = usersFile.safeParse(json);
    if (!parsed.success)
      throw new UserStoreError(`${this.file} is not a valid Callboard users file: ${describeIssue(parsed.error.issues[0])}`);
    return parsed.data;
  }

  /**
   * Called after this process wrote the file (an admin's change), so open
   * sockets can pick up new grants at once; another process's writes (the
   * CLI) are seen by the periodic recheck. Returns the unsubscribe.
   */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** A copy of every user and token, as stored (password and token hashes included: never for a browser). */
  document(): UsersDocument {
    this.refresh();
    return structuredClone(this.data);
  }

  /**
   * Takes another node's users and tokens as ours, written to our file so
   * they survive a restart. False when the document is not valid (it is
   * then not taken) or already ours.
   */
  adopt(document: unknown): boolean {
    const parsed = usersFile.safeParse(document);
    if (!parsed.success) return false;
    const next = parsed.data;
    return this.update((d) => {
      if (JSON.stringify(d) === JSON.stringify(next)) return false;
      d.users = next.users;
      d.tokens = next.tokens;
    });
  }

  get users(): readonly StoredUser[] {
    this.refresh();
    return this.data.users;
  }

  get tokens(): readonly StoredToken[] {
    this.refresh();
    return this.data.tokens;
  }

  getUser(name: string): StoredUser | undefined {
    return this.users.find((u) => u.name === name);
  }

  async addUser(name: string, role: UserRole, password: string): Promise<StoredUser> {
    usernameSchema.parse(name);
    if (this.getUser(name)) throw new UserStoreError(`User ${name} already exists`);
    const user: StoredUser = { name, role, password: await hashPassword(password), created: new Date().toISOString() };
    this.update((d) => {
      // Again under the lock: another process may have added the name meanwhile.
      if (d.users.some((u) => u.name === name)) throw new UserStoreError(`User ${name} already exists`);
      d.users.push(user);
    });
    return user;
  }

  async setPassword(name: string, password: string): Promise<void> {
    if (!this.getUser(name)) throw new UserStoreError(`No user ${name}`);
    const hash = await hashPassword(password);
    this.update((d) => {
      const user = d.users.find((u) => u.name === name);
      if (user) user.password = hash;
    });
  }

  setRole(name: string, role: UserRole): void {
    if (!this.getUser(name)) throw new UserStoreError(`No user ${name}`);
    this.update((d) => {
      const user = d.users.find((u) => u.name === name);
      if (user) user.role = role;
    });
  }

  /**
   * Changes a user's role and grant settings in one write. A field left
   * undefined stays as it is; `null` removes the setting (back to what the
   * role allows, every queue, no phone).
   */
  updateUser(name: string, change: UserChange): StoredUser {
    if (!this.getUser(name)) throw new UserStoreError(`No user ${name}`);
    let updated: StoredUser | undefined;
    this.update((d) => {
      const user = d.users.find((u) => u.name === name);
      if (!user) throw new UserStoreError(`No user ${name}`);
      if (change.role !== undefined) user.role = change.role;
      setOrClear(user, 'actions', change.actions === undefined ? undefined : change.actions && [...new Set(change.actions)]);
      setOrClear(user, 'queues', change.queues === undefined ? undefined : change.queues && [...new Set(change.queues)].sort());
      setOrClear(user, 'extension', change.extension === '' ? null : change.extension);
      updated = user;
    });
    return updated!;
  }

  deleteUser(name: string): void {
    if (!this.getUser(name)) throw new UserStoreError(`No user ${name}`);
    this.update((d) => {
      d.users = d.users.filter((u) => u.name !== name);
    });
  }

  /** Creates a token; the returned `token` is the only time it exists in clear. */
  /** `queues`: limit what the token sees to these queues, enforced where every scope is (server/realtime/scopes.ts). */
  createToken(name: string, role: TokenRole, queues?: readonly string[]): { id: string; token: string } {
    usernameSchema.parse(name);
    const limited = queues === undefined ? undefined : [...new Set(userGrantFields.queues.unwrap().parse(queues))].sort();
    const id = randomBytes(5).toString('hex');
    const token = `${TOKEN_PREFIX}${id}.${randomBytes(32).toString('base64url')}`;
    this.update((d) => {
      d.tokens.push({ id, name, role, hash: sha256(token), created: new Date().toISOString(), ...(limited && { queues: limited }) });
    });
    return { id, token };
  }

  /** Revokes by the token itself or by its id; false when nothing matched. */
  revokeToken(tokenOrId: string): boolean {
    const hash = sha256(tokenOrId);
    const match = this.tokens.find((t) => t.id === tokenOrId || t.hash === hash);
    if (!match) return false;
    this.update((d) => {
      d.tokens = d.tokens.filter((t) => t.id !== match.id);
    });
    return true;
  }

  findToken(token: string): StoredToken | undefined {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
    const id = token.slice(TOKEN_PREFIX.length).split('.')[0];
    const hash = Buffer.from(sha256(token), 'hex');
    const candidate = this.tokens.find((t) => t.id === id);
    if (!candidate) return undefined;
    return timingSafeEqual(Buffer.from(candidate.hash, 'hex'), hash) ? candidate : undefined;
  }

  /**
   * Adds the first admin only if there is no user at all, decided under the
   * lock, so two processes starting on one empty data directory make one
   * admin between them. False when someone else was first.
   */
  async addFirstAdmin(name: string, password: string): Promise<boolean> {
    if (this.users.length > 0) return false;
    const user: StoredUser = { name, role: 'admin', password: await hashPassword(password), created: new Date().toISOString() };
    return this.update((d) => {
      if (d.users.length > 0) return false;
      d.users.push(user);
    });
  }

  /**
   * Read, change and write under an exclusive lock file (`wx`: created only if
   * absent), re-reading first, so concurrent writers (the server and the CLI,
   * two servers) never overwrite each other's change. A broken file is never
   * written over: the person who edited it should see their edit, and fix it.
   * `change` returns false to write nothing.
   */
  private update(change: (data: UsersFile) => boolean | void): boolean {
    const release = this.lock();
    try {
      this.read(true);
      const next: UsersFile = structuredClone(this.data);
      if (change(next) === false) return false;
      const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
      this.data = next;
      const stat = fs.statSync(this.file);
      this.loadedStamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
      this.loadedOnce = true;
    } finally {
      release();
    }
    for (const listener of this.changeListeners) listener();
    return true;
  }

  private lock(): () => void {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const fd = fs.openSync(this.lockFile, 'wx', 0o600);
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        return () => fs.rmSync(this.lockFile, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      try {
        if (Date.now() - fs.statSync(this.lockFile).mtimeMs > STALE_LOCK_MS) fs.rmSync(this.lockFile, { force: true });
      } catch {
        // gone meanwhile: try again
      }
      if (Date.now() > deadline)
        throw new UserStoreError(`${this.lockFile} is held by another process; remove it if no Callboard or user command is running`);
      sleepSync(5 + Math.random() * 10);
    }
  }
}
