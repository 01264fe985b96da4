/**
 * Entry point: configuration, the demo PBX when no AMI_HOST is set, the
 * Callboard server, and Next for the pages.
 */
import dotenv from 'dotenv';
import next from 'next';
import { ConfigError, loadConfig, type AmiConfig, type Config } from './config';
import { createCallboard } from './app';
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

const DEMO_ORIGINATE_CONTEXT = 'internal';
const log = createLogger(config.logLevel);
const closers: (() => Promise<void> | void)[] = [];

async function main(): Promise<void> {
  let ami: AmiConfig;
  const demo = config.ami === null;
  if (config.ami) {
    ami = config.ami;
  } else {
    const { startDemoPbx } = await import('./demo-pbx/index');
    const pbx = await startDemoPbx({ port: 0, seed: config.seed, warmup: { minutes: 45 } }); // a lived-in board from the first second
    closers.push(() => pbx.close());
    const account = pbx.users[0];
    ami = { host: pbx.host, port: pbx.port, username: account.username, secret: account.secret, tls: false };
    // The demo dialplan routes extensions in `internal`, where a real PBX would use from-internal.
    if (!process.env.ORIGINATE_CONTEXT) config = { ...config, originate: { ...config.originate, context: DEMO_ORIGINATE_CONTEXT } };
    log.warn(
      `DEMO PBX: no AMI_HOST set, so an embedded demo PBX with simulated calls runs on ${pbx.host}:${pbx.port} (seed ${config.seed}). Set AMI_HOST to monitor a real Asterisk.`,
    );
  }

  const app = next({ dev: config.dev, hostname: config.host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const callboard = await createCallboard(config, {
    log,
    ami,
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
