import { randomPassword } from './passwords';
import type { UserStore } from './user-store';

/**
 * On the first start (no users at all) creates `admin` with a random
 * password and returns it, so the operator can log in once and change it.
 */
export async function ensureFirstAdmin(store: UserStore): Promise<{ user: string; password: string } | null> {
  if (store.users.length > 0) return null;
  const password = randomPassword();
  await store.addUser('admin', 'admin', password);
  return { user: 'admin', password };
}
