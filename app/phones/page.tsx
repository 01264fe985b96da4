import type { Metadata } from 'next';
import { PhonesView } from '@/components/PhonesView';

export const metadata: Metadata = { title: 'Phones · Callboard' };

export default function PhonesPage() {
  return <PhonesView />;
}
