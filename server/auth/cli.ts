/**
 * Manage users and tokens in the data directory:
 *
 *   npm run user -- add NAME --role viewer|supervisor|admin [--password P]
 *   npm run user -- passwd NAME [--password P]
 *   npm run user -- set NAME [--role R] [--actions pause,listen|all] [--queues sales,support|all] [--extension 206|none]
 *   npm run user -- del NAME
 *   npm run user -- list
 *   npm run -s user -- token NAME --role viewer|supervisor|wallboard [--queues sales,support]   (prints only the token)
 *   npm run -s user -- token --revoke TOKEN_OR_ID
 *
 * Without --password the password is read from stdin (one line) or, on a
 * terminal, generated and printed. Works while the server runs: the server
 * re-reads users.json when it changes.
 */
import dotenv from 'dotenv';
import { parseArgs } from 'node:util';
import path from 'node:path';
// Relative, not `@/lib`: the CLI runs from any directory, where tsx finds no tsconfig paths.
import { ACTION_KINDS } from '../../lib/grants';
import { randomPassword } from './passwords';
import { changeFromCli, userView, type UserView } from './user-settings';
import { TOKEN_ROLES, USER_ROLES, UserStore, type TokenRole, type UserRole } from './user-store';

const USAGE = `Usage:
  user add NAME --role viewer|supervisor|admin [--password P]
  user passwd NAME [--password P]
  user set NAME [--role viewer|supervisor|admin] [--actions KIND,KIND|all] [--queues QUEUE,QUEUE|all] [--extension EXT|none]
  user del NAME
  user list
  user token NAME --role viewer|supervisor|wallboard [--queues QUEUE,QUEUE]
  user token --revoke TOKEN_OR_ID
Action kinds: ${ACTION_KINDS.join(', ')}
Data directory: $CALLBOARD_DATA (default ./data)`;

class UsageError extends Error {}

async function readPassword(given: string | undefined): Promise<{ password: string; generated: boolean }> {
  if (given !== undefined) return { password: given, generated: false };
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const line = text.split(/\r?\n/)[0];
    if (line) return { password: line, generated: false };
  }
  return { password: randomPassword(), generated: true };
}

function checkPassword(password: string): void {
  if (password.length < 8) throw new UsageError('A password needs at least 8 characters');
}

/** `actions=all queues=sales,support extension=206`: the grant settings, readable and on one line. */
function describe(user: UserView): string {
  return [
    `actions=${user.actions ? user.actions.join(',') || '(none)' : 'all'}`,
    `queues=${user.queues ? user.queues.join(',') || '(none)' : 'all'}`,
    `extension=${user.extension || 'none'}`,
  ].join(' ');
}

export async function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      password: { type: 'string' },
      revoke: { type: 'string' },
      actions: { type: 'string' },
      queues: { type: 'string' },
      extension: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, name] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return;
  }
  const store = new UserStore(path.resolve(process.env.CALLBOARD_DATA || './data'));
  switch (command) {
    case 'add': {
      if (!name) throw new UsageError('add needs a user name');
      const role = values.role as UserRole;
      if (!USER_ROLES.includes(role)) throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
      const { password, generated } = await readPassword(values.password);
      if (!generated) checkPassword(password);
      await store.addUser(name, role, password);
      out(generated ? `Added ${name} (${role}). Password: ${password}` : `Added ${name} (${role}).`);
      return;
    }
    case 'passwd': {
      if (!name) throw new UsageError('passwd needs a user name');
      const { password, generated } = await readPassword(values.password);
      if (!generated) checkPassword(password);
      await store.setPassword(name, password);
      out(generated ? `New password for ${name}: ${password}` : `Password changed for ${name}.`);
      return;
    }
    case 'set': {
      if (!name) throw new UsageError('set needs a user name');
      const parsed = changeFromCli(values);
      if (!parsed.ok) throw new UsageError(parsed.message);
      if (!Object.keys(parsed.change).length) throw new UsageError('set needs at least one of --role, --actions, --queues, --extension');
      const user = store.updateUser(name, parsed.change);
      out(`Updated ${name} (${user.role}): ${describe(userView(user))}`);
      return;
    }
    case 'del': {
      if (!name) throw new UsageError('del needs a user name');
      store.deleteUser(name);
      out(`Deleted ${name}.`);
      return;
    }
    case 'list': {
      for (const u of store.users) out(`${u.name}\t${u.role}\t${u.created}\t${describe(userView(u))}`);
      for (const t of store.tokens) out(`token ${t.id}\t${t.name}\t${t.role}\t${t.created}\tqueues=${t.queues?.join(',') ?? 'all'}`);
      return;
    }
    case 'token': {
      if (values.revoke !== undefined) {
        if (!store.revokeToken(values.revoke)) throw new UsageError('No such token');
        out('Token revoked.');
        return;
      }
      if (!name) throw new UsageError('token needs a name (what the token is for)');
      const role = values.role as TokenRole;
      if (!TOKEN_ROLES.includes(role)) throw new UsageError(`--role must be one of ${TOKEN_ROLES.join(', ')}`);
      const change = changeFromCli({ queues: values.queues });
      if (!change.ok) throw new UsageError(change.message);
      const queues = change.change.queues ?? undefined;
      if (queues && !queues.length) throw new UsageError('--queues needs at least one queue (or leave it out for every queue)');
      // Only the token on stdout, so that `TOKEN=$(npm run -s user -- token …)` works.
      out(store.createToken(name, role, queues).token);
      return;
    }
    default:
      throw new UsageError(`Unknown command ${command}\n${USAGE}`);
  }
}

dotenv.config({ quiet: true });

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isEntry) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    const message = err instanceof Error ? (err.name === 'ZodError' ? JSON.parse(err.message)[0]?.message : err.message) : String(err);
    process.stderr.write(`${message}\n`);
    process.exit(err instanceof UsageError || (err instanceof Error && /Error$/.test(err.name)) ? 1 : 2);
  });
}
