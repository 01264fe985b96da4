import { parseArgs } from 'node:util';
import { startDemoPbx, type DemoPbxOptions } from './index';

/**
 * `npm run demo-pbx -- --port 5038 [--seed N] [--rate callsPerMinute] [--warmup MIN]
 *   [--load-channels N --load-eps N] [--user NAME --secret S]`
 * A standalone demo PBX any AMI tool can connect to.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5038' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    rate: { type: 'string' },
    'max-calls': { type: 'string' },
    warmup: { type: 'string' },
    'load-channels': { type: 'string' },
    'load-eps': { type: 'string' },
    user: { type: 'string' },
    secret: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  console.log(
    'usage: npm run demo-pbx -- [--port 5038] [--host 127.0.0.1] [--seed N] [--rate callsPerMinute] [--max-calls N] [--warmup MIN]',
  );
  console.log('                           [--load-channels N --load-eps N] [--user NAME --secret S]');
  process.exit(0);
}

function int(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}

const options: DemoPbxOptions = {
  port: int('port', values.port, 0, 65535),
  host: values.host,
  seed: int('seed', values.seed, 0, 2 ** 31 - 1),
};
const rate = int('rate', values.rate, 0, 6000);
const maxCalls = int('max-calls', values['max-calls'], 1, 5000);
if (rate !== undefined || maxCalls !== undefined) {
  options.traffic = {
    ...(rate !== undefined ? { callsPerMinute: rate, enabled: rate > 0 } : {}),
    ...(maxCalls ? { maxConcurrentCalls: maxCalls } : {}),
  };
}
const warmup = int('warmup', values.warmup, 0, 180);
if (warmup) options.warmup = { minutes: warmup };
const loadChannels = int('load-channels', values['load-channels'], 2, 10_000);
const loadEps = int('load-eps', values['load-eps'], 1, 50_000);
if (loadChannels !== undefined || loadEps !== undefined) options.load = { channels: loadChannels ?? 1000, eventsPerSec: loadEps ?? 500 };
if (values.user || values.secret) {
  if (!values.user || !values.secret) {
    console.error('--user and --secret go together');
    process.exit(2);
  }
  options.users = [{ username: values.user, secret: values.secret, read: ['all'], write: ['all'] }];
}

// Option combinations the flags cannot check alone (--warmup with load mode) fail here, with the schema's message.
const pbx = await startDemoPbx(options).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
const user = pbx.users[0];
console.log(`demo PBX (Asterisk 22 AMI dialect) listening on ${pbx.host}:${pbx.port}`);
console.log(`username: ${user.username}`);
console.log(`secret:   ${user.secret}`);
console.log(`try: AMI_HOST=${pbx.host} AMI_PORT=${pbx.port} AMI_USERNAME=${user.username} AMI_SECRET=${user.secret}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void pbx.close().then(() => process.exit(0));
  });
}
