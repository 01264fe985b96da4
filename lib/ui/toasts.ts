/** Transient notices (action results). A toast can be updated in place, so "Calling…" becomes the outcome. */
import { create } from 'zustand';

export type ToastTone = 'info' | 'success' | 'error' | 'pending';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  detail?: string;
  /** A link the toast offers (a screen-pop the browser would not open by itself). */
  link?: { href: string; label: string };
}

interface ToastStore {
  toasts: Toast[];
}

export const useToasts = create<ToastStore>()(() => ({ toasts: [] }));

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export function dismissToast(id: number): void {
  const t = timers.get(id);
  if (t) clearTimeout(t);
  timers.delete(id);
  useToasts.setState((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) }));
}

function arm(toast: Toast): void {
  const t = timers.get(toast.id);
  if (t) clearTimeout(t);
  // A pending toast stays until its outcome replaces it.
  if (toast.tone === 'pending') return;
  timers.set(
    toast.id,
    setTimeout(() => dismissToast(toast.id), toast.tone === 'error' ? 9000 : 5000),
  );
}

export function showToast(toast: Omit<Toast, 'id'>): number {
  const t = { ...toast, id: nextId++ };
  useToasts.setState((s) => ({ toasts: [...s.toasts.slice(-4), t] }));
  arm(t);
  return t.id;
}

export function updateToast(id: number, toast: Omit<Toast, 'id'>): void {
  const t = { ...toast, id };
  let found = false;
  useToasts.setState((s) => ({
    toasts: s.toasts.map((x) => {
      if (x.id !== id) return x;
      found = true;
      return t;
    }),
  }));
  if (found) arm(t);
  else showToast(toast);
}
