import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';

describe('history configuration', () => {
  it('is on by default: SQLite, 90 days', () => {
    expect(loadConfig({}).history).toEqual({ enabled: true, databaseUrl: null, retentionDays: 90 });
  });

  it('reads CALLBOARD_HISTORY, CALLBOARD_HISTORY_DAYS and DATABASE_URL', () => {
    const url = 'postgres://callboard:s3cret@db.example.com:5432/callboard';
    expect(loadConfig({ CALLBOARD_HISTORY: 'off', CALLBOARD_HISTORY_DAYS: '0', DATABASE_URL: url }).history).toEqual({
      enabled: false,
      databaseUrl: url,
      retentionDays: 0,
    });
  });

  it('refuses a URL that is not PostgreSQL, and never repeats it (it may hold a password)', () => {
    const bad = 'mysql://root:hunter2@db/callboard';
    expect(() => loadConfig({ DATABASE_URL: bad })).toThrow(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => loadConfig({ DATABASE_URL: bad })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ CALLBOARD_HISTORY_DAYS: '-1' })).toThrow(/CALLBOARD_HISTORY_DAYS/);
  });
});
