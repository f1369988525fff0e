/**
 * `--help` of the server-side commands (serve, migrate, keys, tenants, users) and of each of
 * their subcommands. main parses their options itself, so it asks here before running one.
 * (The client-side commands — totp, login, sessions, … — print their own help.)
 */

const CONFIGURATION = `Configuration comes from the environment (PORT, DATABASE_URL, REDIS_URL,
GATEHOUSE_SECRET, GATEHOUSE_DATA_DIR, GATEHOUSE_*) and an optional GATEHOUSE_CONFIG file;
see docs/configuration.md. Without DATABASE_URL the data is the embedded database in
GATEHOUSE_DATA_DIR (default ./.gatehouse), which one process at a time can open.`;

const SERVE = `Usage: gatehouse serve

Runs the Gatehouse server in the foreground: reads the configuration, applies pending
database migrations, then listens on HOST:PORT (default 127.0.0.1:3000, 0.0.0.0 with
NODE_ENV=production) until SIGTERM or Ctrl-C, when it lets requests in flight finish and
closes the backends.

The log is readable text on a terminal in development, one JSON object per line otherwise
(output piped or redirected, or NODE_ENV=production).

${CONFIGURATION}`;

const MIGRATE = `Usage: gatehouse migrate

Applies the pending database migrations and exits (gatehouse serve also does it at start).
Against PostgreSQL it is safe beside running servers (an advisory lock serialises
migrations); the embedded database cannot be opened while a server holds it.

${CONFIGURATION}`;

const KEYS_ROTATE = `Usage: gatehouse keys rotate

The next signing key (already published in the JWKS) starts signing; the current one
retires and keeps verifying tokens for tokens.keyRotationGraceSeconds. Refused while the
next key is too young for every server to have loaded it (the message says when to retry).
Running servers switch at their next key refresh. On the embedded database, where the
server holds the data, use POST /api/v1/admin/keys/rotate instead.`;

const KEYS_LIST = `Usage: gatehouse keys list

Lists the keys of the JWKS, one per line: status (current, next, retired), algorithm, key id.`;

const TENANTS_CREATE = `Usage: gatehouse tenants create <slug> [name]

Creates a tenant: <slug> is lower-case letters, digits and dashes (at most 63), [name] the
display name (default: the slug). An existing tenant is left as it is. Tenants are used
when tenancy is on (GATEHOUSE_MULTI_TENANT=true).`;

const TENANTS_LIST = `Usage: gatehouse tenants list

Lists the tenants' slugs, one per line.`;

const USERS_CREATE = `Usage: gatehouse users create --email <email> --password-stdin [--role admin] [--tenant <slug>] [--name <name>]

Creates an account that is verified and active at once, e.g. the first admin. The password
is the first line of stdin (never an argument, which ps and shell history would keep) and
must meet the password policy.

Options:
  --email <email>    The account's address (unique in its tenant)
  --password-stdin   Read the password from the first line of stdin (required)
  --role admin       Also give the admin role (every account has the user role)
  --tenant <slug>    The tenant (default: default; others need GATEHOUSE_MULTI_TENANT=true)
  --name <name>      The display name

Example:
  printf '%s\\n' "$ADMIN_PASSWORD" | gatehouse users create --email admin@example.com --password-stdin --role admin

Stop the server first on the embedded database (it holds the data), or create accounts
through the HTTP API as an admin.`;

const USERS_LIST = `Usage: gatehouse users list [--tenant <slug>]

Lists the accounts of a tenant (default: default), one per line, tab-separated: email,
id, status, roles.`;

/** Help for a command with subcommands: their usage lines and where the details are. */
function overview(command: string, subcommands: Record<string, string>, about: string): string {
  const lines = Object.values(subcommands).map((text) => `  ${text.split('\n')[0]?.replace('Usage: ', '')}`);
  const names = Object.keys(subcommands).join('|');
  return `Usage:\n${lines.join('\n')}\n\n${about}\nRun gatehouse ${command} ${names} --help for one of them.`;
}

const SUBCOMMANDS: Record<string, Record<string, string>> = {
  keys: { rotate: KEYS_ROTATE, list: KEYS_LIST },
  tenants: { create: TENANTS_CREATE, list: TENANTS_LIST },
  users: { create: USERS_CREATE, list: USERS_LIST },
};

const ABOUT: Record<string, string> = {
  keys: 'The signing keys of access tokens.',
  tenants: 'Tenants (multi-tenancy: GATEHOUSE_MULTI_TENANT=true).',
  users: 'Accounts, straight in the database (no server needed).',
};

const SINGLE: Record<string, string> = { serve: SERVE, migrate: MIGRATE };

/**
 * The help of `gatehouse <command> [subcommand]`, or undefined for a command this module
 * does not know (main then prints the top-level help). An unknown subcommand gets the
 * command's own overview.
 */
export function serverCommandHelp(command: string, subcommand: string | undefined): string | undefined {
  if (Object.hasOwn(SINGLE, command)) return SINGLE[command];
  const subcommands = Object.hasOwn(SUBCOMMANDS, command) ? SUBCOMMANDS[command] : undefined;
  if (!subcommands) return undefined;
  if (subcommand !== undefined && Object.hasOwn(subcommands, subcommand)) return subcommands[subcommand];
  return overview(command, subcommands, ABOUT[command] ?? '');
}
