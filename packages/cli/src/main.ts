import { parseArgs } from 'node:util';
import { ConfigError, isAuthError } from '@gatehouse/core';
import { migrateCommand } from './commands/migrate.js';
import { keysCommand } from './commands/keys.js';
import { serveCommand } from './commands/serve.js';
import { tenantsCommand } from './commands/tenants.js';
import { usersCommand } from './commands/users.js';
import { consoleOutput, describeError, type Output } from './output.js';

const USAGE = `Usage: gatehouse <command> [options]

Commands:
  serve                          Run the Gatehouse server (migrates the database first)
  migrate                        Apply pending database migrations and exit
  keys rotate | keys list        Rotate the signing keys / list the published keys
  tenants create <slug> [name]   Create a tenant (multi-tenancy)
  tenants list                   List the tenants
  users create --email <email> --password-stdin [--role admin] [--tenant <slug>] [--name <name>]
                                 Create a verified account; the password is the first line of stdin
  users list [--tenant <slug>]   List the accounts (email, id, status, roles)

Options:
  --debug    Print stack traces on errors
  -h, --help Show this help

Configuration comes from the environment (PORT, DATABASE_URL, REDIS_URL,
GATEHOUSE_SECRET, GATEHOUSE_*) and an optional GATEHOUSE_CONFIG file;
see docs/configuration.md.`;

/** Options of `gatehouse users` (parseArgs is strict: anything else is a usage error). */
const USERS_OPTIONS = {
  email: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  role: { type: 'string' },
  tenant: { type: 'string' },
  name: { type: 'string' },
} as const;

/** Returns the process exit code: 0 ok, 1 failure, 2 usage or configuration error. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: Output = consoleOutput,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' }, ...USERS_OPTIONS },
    });
  } catch (error) {
    out.error(`${describeError(error, false)}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    (command || parsed.values.help ? out.info : out.error)(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  if (rest.length > 0 && command !== 'keys' && command !== 'tenants' && command !== 'users') {
    out.error(`Unexpected argument: ${rest[0]}\n\n${USAGE}`);
    return 2;
  }
  const stray = Object.keys(USERS_OPTIONS).find((name) => name in parsed.values);
  if (stray && command !== 'users') {
    out.error(`--${stray} only applies to gatehouse users\n\n${USAGE}`);
    return 2;
  }
  try {
    switch (command) {
      case 'serve':
        await serveCommand(env);
        return 0;
      case 'migrate':
        await migrateCommand(env, out);
        return 0;
      case 'keys':
        return await keysCommand(rest[0], env, out);
      case 'tenants':
        return await tenantsCommand(rest, env, out);
      case 'users':
        return await usersCommand(rest, parsed.values, env, out);
      default:
        out.error(`Unknown command: ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError || (isAuthError(error) && error.code === 'config_invalid')) {
      out.error(error.message);
      return 2;
    }
    out.error(`gatehouse ${command}: ${describeError(error, Boolean(parsed.values.debug))}`);
    if (!isAuthError(error) && !parsed.values.debug) out.error('(run with --debug for details)');
    return 1;
  }
}
