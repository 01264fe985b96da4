/**
 * pino, printed as one readable line per record on a terminal (JSON
 * otherwise, for log collectors). Fields that could carry a secret are
 * redacted wherever they appear.
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACT = [
  'secret',
  'password',
  'token',
  '*.secret',
  '*.password',
  '*.token',
  'ami.secret',
  'headers.cookie',
  'headers.authorization',
];

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

/** Formats pino's JSON lines as `HH:MM:SS LEVEL [module] message key=value`. */
function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const { level, time, msg, module, pid: _p, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
          const t = new Date(Number(time)).toISOString().slice(11, 19);
          const extra = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          out.write(`${t} ${LEVELS[Number(level)] ?? level} ${module ? `[${module}] ` : ''}${msg ?? ''}${extra ? `  ${extra}` : ''}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

export function createLogger(level: string = 'info', opts: { pretty?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const out = opts.stream ?? process.stdout;
  const pretty = opts.pretty ?? (process.stdout.isTTY || process.env.LOG_FORMAT === 'pretty');
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined },
    pretty ? prettyStream(out) : (out as pino.DestinationStream),
  );
}
