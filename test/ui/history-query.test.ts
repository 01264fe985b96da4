/** The history page's filters: its URL and the REST query they make. */
import { describe, expect, it } from 'vitest';
import {
  apiQuery,
  callFromUrl,
  dayStart,
  defaultFilters,
  filtersFromUrl,
  filtersToUrl,
  localDay,
  pageUrl,
  rangeProblem,
  recordPath,
  type HistoryFilters,
} from '../../lib/ui/history/query';

const today = '2026-12-01';

describe('history filters in the page URL', () => {
  it('a plain /history is today, every outcome, queue and direction', () => {
    expect(filtersFromUrl(new URLSearchParams(''), today)).toEqual(defaultFilters(today));
    expect(filtersToUrl(defaultFilters(today), today).toString()).toBe('');
  });

  it('round-trips every filter', () => {
    const f: HistoryFilters = {
      q: 'Alice',
      from: '2026-11-28',
      to: '2026-11-30',
      outcomes: ['abandoned', 'missed'],
      queues: ['sales', 'support'],
      direction: 'inbound',
      pbx: 'branch',
    };
    const url = filtersToUrl(f, today);
    expect(url.get('outcome')).toBe('abandoned,missed');
    expect(url.get('queue')).toBe('sales,support');
    expect(filtersFromUrl(new URLSearchParams(url.toString()), today)).toEqual(f);
  });

  it('an open date end survives a reload as an empty parameter', () => {
    const f = { ...defaultFilters(today), from: '' };
    const url = filtersToUrl(f, today);
    expect(url.toString()).toBe('from=');
    expect(filtersFromUrl(url, today)).toEqual(f);
  });

  it('drops what the page would not offer: unknown outcomes and directions, bad dates, repeats', () => {
    const f = filtersFromUrl(new URLSearchParams('outcome=answered,bogus,answered&direction=sideways&from=yesterday&to=2026-13-45'), today);
    expect(f.outcomes).toEqual(['answered']);
    expect(f.direction).toBe('');
    expect(f.from).toBe('');
    expect(f.to).toBe('');
  });
});

describe('history filters as the REST query', () => {
  it('local days become ms, the to day included; lists are comma lists', () => {
    const f: HistoryFilters = {
      ...defaultFilters(today),
      q: ' 2001 ',
      outcomes: ['busy', 'failed'],
      queues: ['sales'],
      direction: 'outbound',
    };
    const p = apiQuery(f, { limit: 100 });
    expect(Number(p.get('from'))).toBe(new Date(2026, 11, 1).getTime());
    expect(Number(p.get('to'))).toBe(new Date(2026, 11, 2).getTime());
    expect(p.get('outcome')).toBe('busy,failed');
    expect(p.get('queue')).toBe('sales');
    expect(p.get('direction')).toBe('outbound');
    expect(p.get('q')).toBe('2001');
    expect(p.get('limit')).toBe('100');
    expect(p.has('pbx')).toBe(false);
    expect(p.has('cursor')).toBe(false);
  });

  it('open ends and empty filters send nothing; the cursor and the CSV format are added when asked', () => {
    const f = { ...defaultFilters(today), from: '', to: '' };
    expect(apiQuery(f).toString()).toBe('');
    expect(apiQuery(f, { cursor: 'abc', limit: 1000, format: 'csv' }).toString()).toBe('limit=1000&cursor=abc&format=csv');
  });

  it('a day is local midnight to local midnight, whatever the day’s length', () => {
    expect(dayStart('2026-03-29')).toBe(new Date(2026, 2, 29).getTime());
    expect(dayStart('2026-03-29', 1)).toBe(new Date(2026, 2, 30).getTime());
    expect(dayStart('nope')).toBeNull();
    expect(localDay(new Date(2026, 0, 5, 23, 59).getTime())).toBe('2026-01-05');
  });

  it('says when the range ends before it starts', () => {
    expect(rangeProblem({ ...defaultFilters(today), from: '2026-12-02' })).toMatch(/before/);
    expect(rangeProblem(defaultFilters(today))).toBe('');
  });
});

describe('a call named by the page URL', () => {
  it('is `call=<pbx>/<id>`, kept beside the filters', () => {
    const f = { ...defaultFilters(today), outcomes: ['missed' as const] };
    const url = pageUrl(f, today, { pbx: 'main', id: '1796114697.41' });
    expect(url.toString()).toBe('outcome=missed&call=main%2F1796114697.41');
    expect(callFromUrl(url)).toEqual({ pbx: 'main', id: '1796114697.41' });
    expect(filtersFromUrl(url, today)).toEqual(f);
    expect(recordPath({ pbx: 'a b', id: '1.2' })).toBe('/api/pbx/a%20b/history/1.2');
  });

  it('a PBX id with a slash keeps it; a value without both parts is no call', () => {
    expect(callFromUrl(new URLSearchParams('call=eu/west/1.2'))).toEqual({ pbx: 'eu/west', id: '1.2' });
    for (const v of ['', '1.2', '/1.2', 'main/']) expect(callFromUrl(new URLSearchParams({ call: v })), v).toBeNull();
  });
});
