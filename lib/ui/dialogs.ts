/**
 * Which action dialog is open. One at a time, opened from a row, a card or a
 * menu and rendered once at the page's root, so that a virtualised row that
 * scrolls away does not take its dialog with it.
 */
import { create } from 'zustand';

export type OpenDialog =
  | { kind: 'hangup'; pbx: string; call: string }
  | { kind: 'transfer' | 'redirect'; pbx: string; call: string }
  | { kind: 'pause'; pbx: string; interface: string; name: string }
  | { kind: 'penalty'; pbx: string; interface: string; name: string }
  | { kind: 'remove'; pbx: string; interface: string; name: string; queue: string }
  | { kind: 'add-member'; pbx: string; queue: string }
  | { kind: 'agent'; pbx: string; interface: string }
  | { kind: 'originate'; to: string };

export const useDialog = create<{ open: OpenDialog | null }>()(() => ({ open: null }));

export const openDialog = (dialog: OpenDialog): void => useDialog.setState({ open: dialog });
export const closeDialog = (): void => useDialog.setState({ open: null });
