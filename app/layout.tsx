import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import { THEME_SCRIPT } from '@/lib/ui/theme-script';
import './globals.css';

export const metadata: Metadata = {
  title: 'Callboard',
  description: 'Live call monitoring for Asterisk',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fafafa' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The CSP nonce the server made for this request (server/http/security-headers.ts); reading it renders every page per request.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Before first paint: pick the theme so it never flashes. */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-dvh font-sans antialiased">{children}</body>
    </html>
  );
}
