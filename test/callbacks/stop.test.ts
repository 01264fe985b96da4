/** A clean stop: the calls stored in the last moments still leave their callbacks. */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { HistoryStore } from '../../server/history/store';
import { CallbackStore } from '../../server/callbacks/store';
import { startStack } from '../server/harness';
import { replayJournal } from '../history/journal-replay';

it('a call stored by the stop itself is applied before the database closes', async () => {
  const stack = await startStack();
  const first = replayJournal('02-queue-answered-and-abandoned').records.find((r) => r.outcome === 'abandoned')!;
  stack.app.history!.recorder.writer.add([{ ...first, pbx: 'demo', id: 'at-stop.1', from: { name: 'Last', num: '5550123' } }]);
  const dir = stack.dataDir;
  await stack.app.close();
  await stack.pbx.close();
  const history = await HistoryStore.open({ dataDir: dir });
  try {
    expect(await history.get('demo', 'at-stop.1')).toBeDefined();
    expect(await new CallbackStore(history).get('demo', 'at-stop.1')).toMatchObject({ state: 'open', number: '5550123' });
  } finally {
    await history.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
