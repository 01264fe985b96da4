/**
 * One Callboard node in a process of its own, for what needs a real kill -9
 * (test/cluster/kill.test.ts, bench/cluster-failover.ts). No Next: the REST
 * API and the socket are what the checks read. The environment is the
 * node's configuration (AMI_*, REDIS_URL, CALLBOARD_NODE, …); the demo
 * accounts log in. Prints `listening <port>` once it serves.
 */
import { createCallboard } from '@/server/app';
import type { ClusterTiming } from '@/server/cluster';
import { loadConfig } from '@/server/config';
import { createLogger } from '@/server/log';

const config = loadConfig(process.env);
const ami = config.pbxs[0].ami;
if (!ami) throw new Error('node-main: set AMI_HOST and the other AMI_* variables');
const timing = process.env.CB_CLUSTER_TIMING ? (JSON.parse(process.env.CB_CLUSTER_TIMING) as ClusterTiming) : undefined;
const app = await createCallboard(config, {
  log: createLogger(process.env.TEST_LOG ?? 'silent'),
  ami,
  demo: true,
  amiClient: { backoff: { initialMs: 50, maxMs: 200 } },
  clusterTiming: timing,
});
const address = await app.listen(0, '127.0.0.1');
process.stdout.write(`listening ${address.port}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
