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
const closers: (() => Promise<void> | void)[] = [];

/** Each PBX's AMI target: the configured Asterisk, or a demo PBX started here for it. */
async function targets(): Promise<PbxTarget[]> {
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
  if (err instanceof UserStoreError) log.fatal(`Callboard could not start: ${err.message}`);
  else log.fatal({ err }, 'Callboard could not start');
  process.exit(1);
});
