import type { Metadata } from 'next';
import { AdminAlerts } from '@/components/admin-alerts/AdminAlerts';

export const metadata: Metadata = { title: 'Alerts · Callboard' };

/** Admins only, like /admin: the page gate (server/http/page-gate.ts) sends everyone else away, and the API refuses them too. */
export default function AdminAlertsPage() {
  return <AdminAlerts />;
}
