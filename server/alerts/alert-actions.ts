/**
 * What a person can do to an alert, as the REST routes need it: the PBX's
 * alert engine itself on one node, or with several nodes a request to the
 * node whose engine holds the alert (server/cluster/alert-commands.ts).
 */
import type { Alert } from '@/lib/alerts/model';

export type AlertAnswer =
  { ok: true; alert: Alert } | { ok: false; reason: 'absent' } | { ok: false; reason: 'acknowledged'; alert: Alert };

export interface AlertActions {
  acknowledge(id: string, by: string): AlertAnswer | Promise<AlertAnswer>;
  snooze(id: string, by: string, minutes: number): AlertAnswer | Promise<AlertAnswer>;
}

/** The engine did not confirm in time (with several nodes: the event reader is changing, or Redis is away). */
export class AlertActionTimeout extends Error {}
