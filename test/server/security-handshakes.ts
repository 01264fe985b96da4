/**
 * How many unauthenticated engine.io connections one address can hold, and
 * for how long. Prints one JSON line; used by test/server/security-handshakes.test.ts
 * and by hand for the numbers in the issue:
 *
 *   npx tsx test/server/security-handshakes.ts [connections] [env JSON]
 */
import { waitFor } from '../support/wait-for';
import { startStack, type Stack } from './harness';

export interface HandshakeMeasure {
  tried: number;
  accepted: number;
  refused: number;
  /** Engine connections open right after the burst. */
  heldAfterBurst: number;
  /** Time from the end of the burst until all of them were closed by the server, ms (null: not within maxWaitMs). */
  heldForMs: number | null;
}

async function handshake(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling&t=${Math.random()}`);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export async function measureHandshakes(stack: Stack, tried: number, maxWaitMs = 70_000): Promise<HandshakeMeasure> {
  const baseline = stack.app.io.engine.clientsCount;
  const statuses: number[] = [];
  for (let i = 0; i < tried; i += 100)
    statuses.push(...(await Promise.all(Array.from({ length: Math.min(100, tried - i) }, () => handshake(stack.url)))));
  const accepted = statuses.filter((s) => s === 200).length;
  const heldAfterBurst = stack.app.io.engine.clientsCount - baseline;
  const start = Date.now();
  const heldForMs = await waitFor(
    () => stack.app.io.engine.clientsCount <= baseline && Date.now() - start,
    'the unauthenticated connections closed',
    maxWaitMs,
  ).catch(() => null);
  return { tried, accepted, refused: tried - accepted, heldAfterBurst, heldForMs };
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  const tried = Number(process.argv[2] ?? 2000);
  const env = process.argv[3] ? (JSON.parse(process.argv[3]) as Record<string, string>) : {};
  const stack = await startStack({ env });
  try {
    process.stdout.write(`${JSON.stringify(await measureHandshakes(stack, tried))}\n`);
  } finally {
    await stack.close();
  }
}
