/**
 * Bench child: the Callboard server (no Next) against the 50-queue demo PBX,
 * with BENCH_RULES rules (0 or 100) in its alert engine; reports its CPU and
 * what its alert passes cost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCallboard } from '@/server/app';
import { loadConfig } from '@/server/config';
import { createLogger } from '@/server/log';
import { StaticRuleSource } from '@/server/alerts/static-source';
import { serve } from '../e2e/ipc';
import { serverStats } from '../e2e/server-stats';
import { benchRules } from './alerts-rules';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-bench-alerts-'));
process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
const config = loadConfig({ CALLBOARD_DATA: dataDir, CALLBOARD_HISTORY: 'off' });
const source = new StaticRuleSource();
const app = await createCallboard(config, {
  log: createLogger('error'),
  pbxs: [
    {
      config: { ...config.pbxs[0], id: 'demo', label: 'Demo PBX' },
      ami: {
        host: '127.0.0.1',
        port: Number(process.env.PBX_PORT),
        username: process.env.PBX_USER!,
        secret: process.env.PBX_SECRET!,
        tls: false,
      },
      demo: true,
    },
  ],
  demo: true,
  alerts: { rules: source },
});
const address = await app.listen(0, '127.0.0.1');
while (app.session.state.pbx.lastResync === 0) await new Promise((r) => setTimeout(r, 20));
const queues = Object.keys(app.session.state.queues).sort();
if (Number(process.env.BENCH_RULES ?? 100) > 0) source.set(benchRules(queues).slice(0, Number(process.env.BENCH_RULES ?? 100)));
const { token } = app.auth.store.createToken('bench', 'viewer');
const service = app.alerts.get('demo')!;
let at = service.health();
const stats = serverStats();
const ipc = serve({
  ...stats,
  'measure-start': () => {
    stats['measure-start']();
    at = service.health();
  },
  'measure-stop': () => {
    const h = service.health();
    const byKind: Record<string, number> = {};
    for (const a of Object.values(app.session.state.alerts)) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
    return {
      byKind: JSON.stringify(byKind),
      ...stats['measure-stop'](),
      passes: h.passes - at.passes,
      passMs: h.passMs - at.passMs,
      alerts: h.alerts,
      dropped: h.dropped,
      calls: Object.keys(app.session.state.calls).length,
      queues: queues.length,
      members: Object.keys(app.session.state.members).length,
      rules: source.rules().length,
    };
  },
});
process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)));
ipc.ready({ url: `http://127.0.0.1:${address.port}`, token });
