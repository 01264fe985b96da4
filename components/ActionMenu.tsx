'use client';
/**
 * A menu button (WAI-ARIA menu pattern): Enter, Space or ↓ opens it on the
 * first item, ↑/↓/Home/End move, Esc closes it and returns focus, Tab leaves
 * it. The list is portalled to <body> and placed with fixed coordinates:
 * call rows sit in a contained, scrolling table that would clip it.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  testId?: string;
}

const MENU_WIDTH = 176;

export function ActionMenu({
  label,
  items,
  disabled,
  title,
  children,
  className,
  testId,
}: {
  /** The button's accessible name, e.g. "More actions for the call from Ann". */
  label: string;
  items: readonly MenuItem[];
  disabled?: boolean;
  title?: string;
  /** The button's face; "⋯" when not given. */
  children?: ReactNode;
  className: string;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [place, setPlace] = useState<{ top: number; left: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const focusOnOpen = useRef(0);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const placeList = useCallback(() => {
    const el = button.current;
    if (!el) return false;
    const r = el.getBoundingClientRect();
    if (r.bottom < 0 || r.top > window.innerHeight || !el.isConnected) return false;
    const height = items.length * 34 + 8;
    const below = r.bottom + 4 + height <= window.innerHeight;
    setPlace({
      top: below ? r.bottom + 4 : Math.max(4, r.top - 4 - height),
      left: Math.min(Math.max(4, r.right - MENU_WIDTH), window.innerWidth - MENU_WIDTH - 4),
    });
    return true;
  }, [items.length]);

  useLayoutEffect(() => {
    if (open) placeList();
  }, [open, placeList]);

  useEffect(() => {
    if (!open || !place) return;
    list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[focusOnOpen.current]?.focus();
  }, [open, place]);

  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!list.current?.contains(target) && !button.current?.contains(target)) close(false);
    };
    // A scroll (focusing the button may scroll its row into view) moves the button: follow it, or close once it is out of sight.
    const scrolled = (e: Event) => {
      if (list.current?.contains(e.target as Node)) return;
      if (!placeList()) close(false);
    };
    document.addEventListener('pointerdown', outside);
    window.addEventListener('scroll', scrolled, true);
    window.addEventListener('resize', scrolled);
    return () => {
      document.removeEventListener('pointerdown', outside);
      window.removeEventListener('scroll', scrolled, true);
      window.removeEventListener('resize', scrolled);
    };
  }, [open, placeList]);

  const openAt = (index: number) => {
    focusOnOpen.current = index;
    setOpen(true);
  };

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openAt(0);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      openAt(items.length - 1);
    }
  };

  const onListKey = (e: KeyboardEvent) => {
    const entries = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const move = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(entries.length - 1);
    else if (e.key === 'Escape') close(true);
    else if (e.key === 'Tab') return close(false);
    else return;
    e.preventDefault();
  };

  if (items.length === 0) return null;
  return (
    <>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        title={title}
        disabled={disabled}
        data-testid={testId}
        onClick={() => (open ? close(false) : openAt(0))}
        onKeyDown={onButtonKey}
        className={className}
      >
        {children ?? (
          <span aria-hidden="true" className="leading-none">
            ⋯
          </span>
        )}
      </button>
      {open &&
        place &&
        createPortal(
          <div
            ref={list}
            id={menuId}
            role="menu"
            aria-label={label}
            onKeyDown={onListKey}
            style={{ top: place.top, left: place.left, width: MENU_WIDTH }}
            className="fixed z-50 rounded-lg border border-zinc-200 bg-white p-1 text-sm shadow-xl shadow-black/10 dark:border-zinc-700 dark:bg-zinc-900"
          >
            {items.map((item) => (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                tabIndex={-1}
                data-testid={item.testId}
                onClick={() => {
                  close(true);
                  item.onSelect();
                }}
                className={`flex h-8 w-full items-center rounded-md px-2.5 text-left outline-none hover:bg-zinc-100 focus:bg-zinc-100 dark:hover:bg-zinc-800 dark:focus:bg-zinc-800 ${
                  item.danger ? 'text-rose-600 dark:text-rose-400' : ''
                }`}
              >
                {item.label}
              </button>
            ))}
          </div>,
          document.body,
        )}
    </>
  );
}
