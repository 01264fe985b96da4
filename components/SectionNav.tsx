'use client';
/** The board's sections. Plain links: each page opens its own socket, and the browser's back button does the rest. */
import { usePathname } from 'next/navigation';

const SECTIONS = [
  { href: '/', label: 'Calls' },
  { href: '/today', label: 'Today' },
  { href: '/phones', label: 'Phones' },
  { href: '/history', label: 'History' },
  { href: '/callbacks', label: 'Call back' },
  { href: '/system', label: 'System' },
] as const;

export function SectionNav() {
  const path = usePathname();
  return (
    // On a phone the sections scroll sideways inside the header rather than push the page wider than the screen.
    <nav
      aria-label="Sections"
      className="flex min-w-0 items-center gap-0.5 overflow-x-auto text-sm [scrollbar-width:none] max-sm:[mask-image:linear-gradient(to_right,black_80%,transparent)]"
    >
      {SECTIONS.map((s) => {
        const current = s.href === '/' ? path === '/' : path === s.href || path.startsWith(`${s.href}/`);
        return (
          <a
            key={s.href}
            href={s.href}
            aria-current={current ? 'page' : undefined}
            className={`shrink-0 whitespace-nowrap rounded-md px-2 py-1 font-medium ${
              current
                ? 'bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-white'
                : 'text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-900 dark:hover:text-white'
            }`}
          >
            {s.label}
          </a>
        );
      })}
    </nav>
  );
}
