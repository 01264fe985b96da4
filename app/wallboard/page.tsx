import type { Metadata } from 'next';
import { Wallboard } from '@/components/Wallboard';

export const metadata: Metadata = { title: 'Wallboard · Callboard' };

export default function WallboardPage() {
  return <Wallboard />;
}
