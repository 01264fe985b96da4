/**
 * Call records as CSV, one row each, for a spreadsheet. A cell that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) is led by
 * a `'`: numbers and names come from callers, and a caller ID is theirs to
 * choose.
 */
import type { CallRecord } from '@/lib/history/record';
import { primaryQueue } from './rows';

const COLUMNS: [string, (r: CallRecord) => string | number | boolean | null][] = [
  ['id', (r) => r.id],
  ['pbx', (r) => r.pbx],
  ['started', (r) => iso(r.startedAt)],
  ['answered', (r) => iso(r.answeredAt)],
  ['ended', (r) => iso(r.endedAt)],
  ['direction', (r) => r.direction],
  ['from_num', (r) => r.from.num],
  ['from_name', (r) => r.from.name],
  ['to_num', (r) => r.to.num],
  ['to_name', (r) => r.to.name],
  ['did', (r) => r.did],
  ['queue', (r) => primaryQueue(r)],
  ['agent', (r) => r.agent?.name ?? ''],
  ['wait_s', (r) => r.waitSeconds],
  ['talk_s', (r) => r.talkSeconds],
  ['hold_s', (r) => r.holdSeconds],
  ['outcome', (r) => r.outcome],
  ['within_sla', (r) => r.withinSla],
  ['hung_up_by', (r) => r.hungUpBy],
  ['cause', (r) => r.hangupCause.code],
  ['transfers', (r) => r.transfers.length],
  ['parks', (r) => r.parks.length],
  ['partial', (r) => r.partial],
];

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : '');

function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${COLUMNS.map(([name]) => name).join(',')}\r\n`;
}

export function csvRows(records: readonly CallRecord[]): string {
  let out = '';
  for (const r of records) out += `${COLUMNS.map(([, get]) => cell(get(r))).join(',')}\r\n`;
  return out;
}
