import type { Metadata } from 'next';
import { AdminUsers } from '@/components/AdminUsers';

export const metadata: Metadata = { title: 'Users · Callboard' };

/** Admins only: the page gate (server/http/page-gate.ts) sends everyone else away, and the API refuses them too. */
export default function AdminPage() {
  return <AdminUsers />;
}
