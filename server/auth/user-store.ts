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
import { hashPassword } from './passwords';

export const USER_ROLES = ['viewer', 'supervisor', 'admin'] as const;
export const TOKEN_ROLES = ['viewer', 'supervisor', 'wallboard'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const usernameSchema = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'A user name is 1 to 64 letters, digits or ._@-');

const storedUser = z.object({
  name: z.string(),
  role: z.enum(USER_ROLES),
  password: z.string(),
  created: z.string(),
});
const storedToken = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  /** sha256 of the whole token, hex. The token itself is never stored. */
  hash: z.string(),
  created: z.string(),
});
const usersFile = z.object({
  version: z.literal(1),
  users: z.array(storedUser),
  tokens: z.array(storedToken),
});

export type StoredUser = z.infer<typeof storedUser>;
export type StoredToken = z.infer<typeof storedToken>;
type UsersFile = z.infer<typeof usersFile>;

const TOKEN_PREFIX = 'cbt_';

export class UserStoreError extends Error {
  override name = 'UserStoreError';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class UserStore {
  readonly file: string;
  private data: UsersFile = { version: 1, users: [], tokens: [] };
  private loadedStamp = '';

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'users.json');
    this.refresh();
  }

  /** Re-reads the file if it changed since the last read (a cheap stat otherwise). */
  refresh(): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch {
      this.data = { version: 1, users: [], tokens: [] };
      this.loadedStamp = '';
      return;
    }
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (stamp === this.loadedStamp) return;
    const text = fs.readFileSync(this.file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UserStoreError(`${this.file} is not valid JSON`);
    }
    const parsed = usersFile.safeParse(json);
    if (!parsed.success) throw new UserStoreError(`${this.file} is not a Callboard users file: ${parsed.error.issues[0]?.message}`);
    this.data = parsed.data;
    this.loadedStamp = stamp;
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
    this.update((d) => d.users.push(user));
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

  deleteUser(name: string): void {
    if (!this.getUser(name)) throw new UserStoreError(`No user ${name}`);
    this.update((d) => {
      d.users = d.users.filter((u) => u.name !== name);
    });
  }

  /** Creates a token; the returned `token` is the only time it exists in clear. */
  createToken(name: string, role: TokenRole): { id: string; token: string } {
    usernameSchema.parse(name);
    const id = randomBytes(5).toString('hex');
    const token = `${TOKEN_PREFIX}${id}.${randomBytes(32).toString('base64url')}`;
    this.update((d) => d.tokens.push({ id, name, role, hash: sha256(token), created: new Date().toISOString() }));
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

  private update(change: (data: UsersFile) => void): void {
    this.refresh();
    const next: UsersFile = structuredClone(this.data);
    change(next);
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.data = next;
    const stat = fs.statSync(this.file);
    this.loadedStamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  }
}
