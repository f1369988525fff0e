import { parseArgs } from 'node:util';
import { consoleOutput, describeError, type Output } from './output.js';

// Every command module is imported when its command runs, not at startup: the server
// commands pull in @gatehouse/core and @gatehouse/server (about half a second of loading),
// which `gatehouse totp code` or `gatehouse login` should not pay for.

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
  totp add|list|code|remove|rename|export|import|passwd
                                 Authenticator: TOTP/HOTP codes from an encrypted vault (totp --help)
  lock | unlock                  Lock the authenticator vault now / unlock it for 15 idle minutes
  login [--server <url>] [--email <email>] [--password-stdin] [--totp <name>]
                                 Sign in to a Gatehouse server from this machine (login --help)
  status | whoami                The stored sign-in (local, no network) / who the server says you are
  sessions [revoke <id> | revoke --others]
                                 List your sessions on every device / end one / end all others
  logout                         End the session on the server and delete it here
  audit [--since 7d]             Show the local audit log (vault unlocks, changes, codes shown, sign-ins)

Options:
  --debug    Print stack traces on errors
  -h, --help Show this help; after a command or subcommand, its own
             (gatehouse serve --help, gatehouse users create --help)

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

type LocalCommand = (argv: string[], env: NodeJS.ProcessEnv, out: Output) => Promise<number>;

/**
 * Local (client-side) commands that parse their own options: they share none with the
 * server commands. Each entry loads its module on use.
 */
const LOCAL_COMMANDS = new Map<string, () => Promise<LocalCommand>>([
  ['totp', async () => (await import('./commands/totp.js')).totpCommand],
  ['lock', async () => (await import('./commands/lock.js')).lockCommand],
  ['unlock', async () => (await import('./commands/lock.js')).unlockCommand],
  ['audit', async () => (await import('./audit/command.js')).auditCommand],
  ['login', async () => (await import('./commands/login.js')).loginCommand],
  ['logout', async () => (await import('./commands/logout.js')).logoutCommand],
  ['status', async () => (await import('./commands/status.js')).statusCommand],
  ['whoami', async () => (await import('./commands/whoami.js')).whoamiCommand],
  ['sessions', async () => (await import('./commands/sessions.js')).sessionsCommand],
]);

/** Returns the process exit code: 0 ok, 1 failure, 2 usage or configuration error. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: Output = consoleOutput,
): Promise<number> {
  const local = LOCAL_COMMANDS.get(argv[0] ?? '');
  if (local) return (await local())(argv.slice(1), env, out);
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
    // `gatehouse users create --help` is about that subcommand, not the whole CLI.
    const own = command
      ? (await import('./commands/server-help.js')).serverCommandHelp(command, rest[0])
      : undefined;
    (command || parsed.values.help ? out.info : out.error)(own ?? USAGE);
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
        await (await import('./commands/serve.js')).serveCommand(env);
        return 0;
      case 'migrate':
        await (await import('./commands/migrate.js')).migrateCommand(env, out);
        return 0;
      case 'keys':
        return await (await import('./commands/keys.js')).keysCommand(rest[0], env, out);
      case 'tenants':
        return await (await import('./commands/tenants.js')).tenantsCommand(rest, env, out);
      case 'users':
        return await (await import('./commands/users.js')).usersCommand(rest, parsed.values, env, out);
      default:
        out.error(`Unknown command: ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    const { ConfigError, isAuthError } = await import('@gatehouse/core');
    if (error instanceof ConfigError || (isAuthError(error) && error.code === 'config_invalid')) {
      out.error(error.message);
      return 2;
    }
    out.error(`gatehouse ${command}: ${describeError(error, Boolean(parsed.values.debug))}`);
    if (!isAuthError(error) && !parsed.values.debug) out.error('(run with --debug for details)');
    return 1;
  }
}
