import type { Metadata } from 'next';
import { CallView } from '@/components/call/CallView';

export const metadata: Metadata = { title: 'Call · Callboard' };

export default function CallPage() {
  return <CallView />;
}
