/**
 * The call history in the running server, on the demo PBX's busy traffic:
 * finished calls reach the database, and closing the app (what SIGTERM
 * does) leaves every record the journal had finished on disk.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../server/history/store';
import { startStack, waitFor, type Stack } from '../server/harness';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('call history in the server', () => {
  it('stores finished calls from live traffic, and the close writes what was still held', async () => {
    stack = await startStack();
    const history = stack.app.history!;
    expect(history.store.dialect).toBe('sqlite');
    await waitFor(() => history.recorder.writer.written >= 5, 'five calls written', 30_000);
    await stack.app.close();
    const { written, queued } = history.recorder.stats();
    expect(queued).toBe(0);
    const store = await HistoryStore.open({ dataDir: stack.dataDir });
    try {
      expect(await store.count()).toBe(written);
      const page = await store.query({ limit: 5 });
      expect(page.records).toHaveLength(5);
      for (const r of page.records) {
        expect(r.pbx).toBe('demo');
        expect(r.endedAt).toBeGreaterThanOrEqual(r.startedAt);
        expect(r.legs.length).toBeGreaterThan(0);
      }
    } finally {
      await store.close();
    }
  });

  it('is off with CALLBOARD_HISTORY=off: no database at all', async () => {
    stack = await startStack({ env: { CALLBOARD_HISTORY: 'off' } });
    expect(stack.app.history).toBeNull();
  });
});
