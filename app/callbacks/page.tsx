import type { Metadata } from 'next';
import { CallbacksView } from '@/components/callbacks/CallbacksView';

export const metadata: Metadata = { title: 'Call back · Callboard' };

export default function CallbacksPage() {
  return <CallbacksView />;
}
