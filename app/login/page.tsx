import type { Metadata } from 'next';
import { LoginForm } from '@/components/LoginForm';

export const metadata: Metadata = { title: 'Sign in · Callboard' };

export default function LoginPage() {
  return (
    <main>
      <LoginForm />
    </main>
  );
}
