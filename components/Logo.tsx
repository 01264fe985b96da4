/** `compact`: the name only from sm up, where a phone-sized header has no room for it. */
export function Logo({ compact = false }: { compact?: boolean }) {
  return (
    <span className="flex items-center gap-2">
      <span className="grid size-7 place-items-center rounded-lg bg-zinc-900 text-white dark:bg-white dark:text-zinc-900">
        <svg
          width="16"
          height="16"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2.2"
          strokeLinecap="round"
          aria-hidden="true"
        >
          <path d="M4 12h3l2-6 4 12 2-6h5" />
        </svg>
      </span>
      <span className={`text-[15px] font-semibold tracking-tight ${compact ? 'hidden sm:inline' : ''}`}>Callboard</span>
    </span>
  );
}
