import { describe, expect, it } from 'vitest';
import type { Alert } from '@/lib/alerts/model';
import { cardTone, toneOf, wallTone } from '@/lib/ui/wallboard-alerts';

const NOW = 1_800_000_000_000;

function alert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'r1|sales',
    ruleId: 'r1',
    ruleName: 'Long wait',
    kind: 'longest-wait',
    severity: 'warning',
    subject: 'sales',
    queue: 'sales',
    agent: '',
    value: 130,
    threshold: 120,
    firedAt: NOW - 60_000,
    quiet: false,
    ackedBy: null,
    ackedAt: null,
    snoozedBy: null,
    snoozedUntil: null,
    ...over,
  };
}

describe('cardTone', () => {
  it('no alert: no colour', () => {
    expect(cardTone([], 'sales', NOW)).toEqual({ card: null, figures: {} });
    expect(cardTone([alert({ queue: 'support' })], 'sales', NOW).card).toBeNull();
  });

  it('the card takes its highest severity; each figure its own alert', () => {
    const t = cardTone(
      [
        alert({ kind: 'waiting', severity: 'info' }),
        alert({ kind: 'sla', severity: 'critical' }),
        alert({ kind: 'longest-wait', severity: 'warning' }),
        alert({ kind: 'no-free-agent', severity: 'warning' }),
      ],
      'sales',
      NOW,
    );
    expect(t.card).toMatchObject({ severity: 'critical', acked: false, snoozed: false, count: 1 });
    expect(t.figures.waiting?.severity).toBe('info');
    expect(t.figures.longest?.severity).toBe('warning');
    expect(t.figures.sla?.severity).toBe('critical');
    expect(t.figures.free?.severity).toBe('warning');
    expect(t.figures.paused).toBeUndefined();
  });

  it('an acknowledged alert keeps its colour and says who acknowledged it', () => {
    const t = cardTone([alert({ severity: 'critical', ackedBy: 'sam', ackedAt: NOW - 1000 })], 'sales', NOW);
    expect(t.card).toMatchObject({ severity: 'critical', acked: true, snoozed: false, ackedBy: 'sam' });
  });

  it('acknowledged only when every alert at the top severity is', () => {
    const t = toneOf([alert({ severity: 'critical', ackedBy: 'sam' }), alert({ kind: 'sla', severity: 'critical' })], NOW);
    expect(t).toMatchObject({ acked: false, count: 2, ackedBy: null });
  });

  it('a snoozed alert is muted, and gives way to an awake one of lower severity', () => {
    const snoozedCritical = alert({ severity: 'critical', snoozedUntil: NOW + 60_000 });
    expect(toneOf([snoozedCritical], NOW)).toMatchObject({ severity: 'critical', snoozed: true });
    expect(toneOf([snoozedCritical, alert({ kind: 'waiting', severity: 'info' })], NOW)).toMatchObject({
      severity: 'info',
      snoozed: false,
    });
  });

  it('a snooze that has run out counts as awake again', () => {
    expect(toneOf([alert({ snoozedUntil: NOW - 1 })], NOW)).toMatchObject({ snoozed: false });
  });

  it('a link alert belongs to the wall, not to a card', () => {
    const link = alert({ kind: 'link', queue: null, subject: 'link', severity: 'critical' });
    expect(cardTone([link], 'sales', NOW).card).toBeNull();
    expect(wallTone([link, alert()], NOW)).toMatchObject({ severity: 'critical', count: 1 });
    expect(wallTone([alert()], NOW)).toBeNull();
  });
});
