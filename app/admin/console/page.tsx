import type { Metadata } from 'next';
import { CliConsole } from '@/components/CliConsole';

export const metadata: Metadata = { title: 'CLI console · Callboard' };

/** Admins only, like /admin: the page gate sends everyone else away, and the API refuses them too. */
export default function ConsolePage() {
  return <CliConsole />;
}
