/**
 * Entry point: configuration, the demo PBX when no AMI_HOST is set, the
 * Callboard server, and Next for the pages.
 */
import dotenv from 'dotenv';
import next from 'next';
import { ConfigError, loadConfig, type Config } from './config';
import { createCallboard, type PbxTarget } from './app';
import { storeDemoRules } from './alerts/demo-rules';
import { createLogger } from './log';
import { UserStoreError } from './auth/user-store';

dotenv.config({ quiet: true });

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const log = createLogger(config.logLevel);

/** A reason not to start that the operator can fix: the message alone, no stack. */
class StartError extends Error {}
const closers: (() => Promise<void> | void)[] = [];

/** Each PBX's AMI target: the configured Asterisk, or a demo PBX started here for it. */
async function targets(): Promise<PbxTarget[]> {
  // Each node would start its own embedded demo PBX under the same id: several boards that are not one PBX.
  if (config.cluster && config.pbxs.some((p) => !p.ami)) {
    throw new StartError(
      'REDIS_URL is set, so this node shares its PBXs with other nodes, but a PBX is the embedded demo, which would be a different one on every node. Set AMI_HOST (or CALLBOARD_CONFIG) to a real Asterisk, or to one standalone demo PBX every node reaches: npm run demo-pbx -- --host 0.0.0.0 --port 5038',
    );
  }
  const out: PbxTarget[] = [];
  for (const pbx of config.pbxs) {
    if (pbx.ami) {
      out.push({ config: pbx, ami: pbx.ami, demo: false });
      continue;
    }
    const { startDemoPbx } = await import('./demo-pbx/index');
    const demo = await startDemoPbx({ port: 0, seed: pbx.seed, warmup: { minutes: 45 } }); // a lived-in board from the first second
    closers.push(() => demo.close());
    const account = demo.users[0];
    out.push({
      config: pbx,
      ami: { host: demo.host, port: demo.port, username: account.username, secret: account.secret, tls: false },
      demo: true,
    });
    log.warn(
      config.pbxSource === 'demo'
        ? `DEMO PBX: no AMI_HOST set, so an embedded demo PBX with simulated calls runs on ${demo.host}:${demo.port} (seed ${pbx.seed}). Set AMI_HOST to monitor a real Asterisk.`
        : `DEMO PBX "${pbx.id}" (seed ${pbx.seed}) runs on ${demo.host}:${demo.port}, as ${config.pbxSource === 'file' ? 'CALLBOARD_CONFIG' : 'configured'} says.`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const pbxs = await targets();
  // Demo accounts only when every PBX is a demo: a real PBX is never behind admin/admin.
  const demo = pbxs.every((p) => p.demo);
  const app = next({ dev: config.dev, hostname: config.host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  if (config.cluster && config.history.enabled && !config.history.databaseUrl) {
    log.warn(
      "REDIS_URL without DATABASE_URL: each node keeps its own call history in SQLite, so today's figures and the history change with the node that reads the PBX. Point every node at one PostgreSQL (DATABASE_URL).",
    );
  }
  const callboard = await createCallboard(config, {
    log,
    pbxs,
    demo,
    nextHandler: (req, res) => handle(req, res),
    onFirstAdmin: ({ user, password }) => {
      const line = '='.repeat(64);
      process.stdout.write(
        `\n${line}\n First start: created user "${user}" with password\n\n   ${password}\n\n Log in and change it (npm run user -- passwd ${user}). It is not shown again.\n${line}\n\n`,
      );
    },
  });
  closers.unshift(() => callboard.close());
  if (demo && config.demoAlerts && callboard.alertConfig) await storeDemoRules(callboard.alertConfig, log);
  const address = await callboard.listen(config.port, config.host);
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  if (!config.security.tls && !config.security.trustedProxies.trim() && !/^(127\.|::1$|localhost$)/.test(config.host)) {
    log.warn(
      'Serving plain HTTP: passwords and session cookies cross the network in clear. Set CALLBOARD_TLS_CERT/CALLBOARD_TLS_KEY, or put a TLS proxy in front and name it in CALLBOARD_TRUSTED_PROXIES (docs/deploy.md).',
    );
  }
  log.info(
    `Callboard on ${config.security.tls ? 'https' : 'http'}://${shownHost}:${address.port}${demo ? ' (demo mode: log in as admin/admin, supervisor/supervisor or viewer/viewer)' : ''}`,
  );
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down`);
  for (const close of closers) {
    try {
      await close();
    } catch (err) {
      log.error({ err }, 'error while shutting down');
    }
  }
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

main().catch((err: unknown) => {
  // Our own startup errors carry a message meant for the operator; anything else gets its stack.
  if (err instanceof UserStoreError || err instanceof StartError) log.fatal(`Callboard could not start: ${err.message}`);
  else log.fatal({ err }, 'Callboard could not start');
  process.exit(1);
});
