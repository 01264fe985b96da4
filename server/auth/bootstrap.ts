import { randomPassword } from './passwords';
import type { UserStore } from './user-store';

/**
 * On the first start (no users at all) creates `admin` with a random
 * password and returns it, so the operator can log in once and change it.
 * Null when there were users already, or another process got there first.
 */
export async function ensureFirstAdmin(store: UserStore): Promise<{ user: string; password: string } | null> {
  const password = randomPassword();
  return (await store.addFirstAdmin('admin', password)) ? { user: 'admin', password } : null;
}
