import type { Metadata } from 'next';
import { SystemView } from '@/components/SystemView';

export const metadata: Metadata = { title: 'System · Callboard' };

export default function SystemPage() {
  return <SystemView />;
}
