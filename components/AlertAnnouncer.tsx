'use client';
/**
 * Tells the user of an alert that fires while they look elsewhere: the tab
 * title counts the alerts asking for attention, and, when they turned it on,
 * a tone and the browser's own notification. Only alerts that fire while the
 * page is open announce themselves: a reload is silent.
 */
import { useEffect, useRef } from 'react';
import { alertHeading, describeAlert } from '@/lib/alerts/describe';
import { usePbx } from '@/lib/store';
import { mayRing, shownAlerts } from '@/lib/ui/alerts';
import { playTone } from '@/lib/ui/alert-tone';
import { useNow } from '@/lib/ui/clock';
import { usePreferences } from '@/lib/ui/preferences';

/** Alerts remembered against announcing twice; far more than a board ever holds at once. */
const REMEMBERED = 2000;

export function AlertAnnouncer() {
  const boards = usePbx((s) => s.boards);
  const { sound, notifications } = usePreferences((s) => s.preferences);
  const loaded = usePreferences((s) => s.loaded);
  const now = useNow();
  const heard = useRef<Set<string> | null>(null);

  useEffect(() => {
    if (boards.length === 0 || !boards.every((b) => b.ready) || now === 0) return;
    const alerts = shownAlerts(boards, now);
    const keyOf = (pbx: string, id: string, firedAt: number) => `${pbx}|${id}|${firedAt}`;
    if (heard.current === null) {
      heard.current = new Set(alerts.map((s) => keyOf(s.pbx, s.alert.id, s.alert.firedAt)));
      return;
    }
    for (const { pbx, alert } of alerts) {
      const key = keyOf(pbx, alert.id, alert.firedAt);
      if (heard.current.has(key)) continue;
      heard.current.add(key);
      if (heard.current.size > REMEMBERED) heard.current.delete(heard.current.values().next().value!);
      if (!loaded || !mayRing(alert, now)) continue;
      if (sound) playTone(alert.severity);
      if (notifications && typeof Notification === 'function' && Notification.permission === 'granted') {
        // The tag folds a re-fire of the same alert into one notification rather than a stack.
        new Notification(alertHeading(alert), { body: describeAlert(alert), tag: `${pbx}|${alert.id}` });
      }
    }
  }, [boards, now, sound, notifications, loaded]);

  return null;
}
