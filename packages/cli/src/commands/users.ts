import {
  DEFAULT_TENANT,
  EmailTakenError,
  PasswordHasher,
  TENANT_SLUG,
  TenantDirectory,
  UserDirectory,
  UserRepository,
  checkPasswordPolicy,
  ensureTenants,
  isAuthError,
  openDatabase,
  type Database,
  type GatehouseConfig,
  type PasswordPolicyResult,
} from '@gatehouse/core';
import { loadServerConfig } from '@gatehouse/server';
import type { Output } from '../output.js';

/** The options `gatehouse users` takes (parsed by main). */
export interface UsersOptions {
  email?: string | undefined;
  'password-stdin'?: boolean | undefined;
  role?: string | undefined;
  tenant?: string | undefined;
  name?: string | undefined;
}

type PasswordPolicyReason = Extract<PasswordPolicyResult, { ok: false }>['reason'];

const USAGE =
  'Usage: gatehouse users create --email <email> --password-stdin [--role admin] [--tenant <slug>] [--name <name>]\n' +
  '       gatehouse users list [--tenant <slug>]';

const LOCKED_HINT =
  'Hint: stop the server first, or create users through the HTTP API as an admin (the server holds the embedded database).';

const POLICY_REASONS: Record<PasswordPolicyReason, string> = {
  too_short: 'too_short (fewer characters than passwords.minLength)',
  too_long: 'too_long (more characters than passwords.maxLength)',
  common: 'common (it is on the list of common passwords)',
  breached: 'breached (it appears in known data breaches)',
  contains_identifier: "contains_identifier (it contains the email address's local part)",
};

/** Enough for any password the policy admits (256 code points of up to 4 bytes) and then some. */
const MAX_STDIN_BYTES = 64 * 1024;

/**
 * `gatehouse users create` (a verified, active account, e.g. the first admin) and
 * `gatehouse users list`. The password only ever comes from stdin: never argv, where
 * `ps` and shell history would keep it.
 */
export async function usersCommand(
  args: string[],
  options: UsersOptions,
  env: NodeJS.ProcessEnv,
  out: Output,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<number> {
  const [action, ...extra] = args;
  if (!(action === 'create' || action === 'list') || extra.length > 0) return usage(out);
  const tenant = options.tenant ?? DEFAULT_TENANT;
  if (!TENANT_SLUG.test(tenant)) {
    out.error(`Invalid tenant slug ${JSON.stringify(tenant)}.`);
    return 2;
  }
  const create = action === 'create' ? createOptions(options) : undefined;
  if (typeof create === 'string') return create ? fail(out, create, 2) : usage(out);
  const { config } = await loadServerConfig(env);
  const tenancyProblem = tenancyRefusal(config, tenant);
  if (tenancyProblem) return fail(out, tenancyProblem, 2);
  if (create) return createUser(create, tenant, config, out, stdin);
  return withDatabase(config, out, tenant, (database) => listUsers(database, tenant, out));
}

interface CreateOptions {
  email: string;
  role: 'admin' | 'user' | undefined;
  name: string | undefined;
}

/** The options of a create, or what is wrong with them ('' for a plain usage error). */
function createOptions({ email, role, name, ...options }: UsersOptions): CreateOptions | string {
  if (!email || !options['password-stdin']) return '';
  if (!looksLikeEmail(email)) return `Invalid email address ${JSON.stringify(email)}.`;
  if (role !== undefined && role !== 'admin' && role !== 'user') {
    return `Unknown role ${JSON.stringify(role)}: use --role admin (every account has the user role).`;
  }
  return { email, role, name };
}

async function createUser(
  { email, role, name }: CreateOptions,
  tenant: string,
  config: GatehouseConfig,
  out: Output,
  stdin: NodeJS.ReadStream,
): Promise<number> {
  const password = await readPassword(stdin);
  if (!password) {
    out.error(
      'No password on stdin: send it as the first line (e.g. printf %s "$PASSWORD" | gatehouse ...).',
    );
    return 2;
  }
  const policy = await checkPasswordPolicy(password, { email, config: config.passwords });
  if (!policy.ok) {
    return fail(out, `The password does not meet the policy: ${POLICY_REASONS[policy.reason]}.`, 2);
  }
  const roles = role === 'admin' ? ['user', 'admin'] : ['user'];
  return withDatabase(config, out, tenant, async (database) => {
    const users = new UserRepository(database.db);
    const taken = `An account with the email ${email} already exists in tenant ${tenant}; it was left unchanged.`;
    if (await users.findByEmail(tenant, email)) return fail(out, taken);
    const hasher = new PasswordHasher(config.passwords.argon2, { maxLength: config.passwords.maxLength });
    const passwordHash = await hasher.hash(password);
    try {
      const user = await users.create({
        tenant,
        email,
        name: name ?? null,
        roles,
        emailVerified: true,
        passwordHash,
      });
      const where = tenant === DEFAULT_TENANT ? '' : ` in tenant ${tenant}`;
      out.info(`Created user ${user.id} (${user.email})${where} with roles ${roles.join(', ')}.`);
      return 0;
    } catch (error) {
      if (error instanceof EmailTakenError) return fail(out, taken); // created meanwhile
      throw error;
    }
  });
}

async function listUsers(database: Database, tenant: string, out: Output): Promise<number> {
  const directory = new UserDirectory(database.db);
  let cursor: string | undefined;
  do {
    const page = await directory.list(tenant, { limit: 100, cursor });
    for (const user of page.items) {
      out.info(`${user.email}\t${user.id}\t${user.status}\t${user.roles.join(',')}`);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return 0;
}

/**
 * Opens the database (migrated, tenants ensured as `serve` does), checks the tenant, runs
 * `work` and closes. An embedded database held by a running server fails at once with the
 * holder's pid: that is reported with what to do instead (exit 1).
 */
async function withDatabase(
  config: GatehouseConfig,
  out: Output,
  tenant: string,
  work: (database: Database) => Promise<number>,
): Promise<number> {
  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: config.storage.databaseUrl,
      dataDir: config.storage.dataDir,
    });
  } catch (error) {
    if (!isAuthError(error) || error.code !== 'database_locked') throw error;
    out.error(`gatehouse users: ${error.message}`);
    return fail(out, LOCKED_HINT);
  }
  try {
    await database.migrate();
    await ensureTenants(database.db, config.tenancy.tenants);
    const tenants = new TenantDirectory(database.db);
    await tenants.refresh();
    if (!tenants.has(tenant)) {
      return fail(out, `Unknown tenant ${tenant} (create it with: gatehouse tenants create ${tenant}).`, 2);
    }
    return await work(database);
  } finally {
    await database.close();
  }
}

function tenancyRefusal(config: GatehouseConfig, tenant: string): string | undefined {
  if (config.tenancy.multiTenant || tenant === DEFAULT_TENANT) return undefined;
  return `Tenancy is off, so every account lives in the ${DEFAULT_TENANT} tenant (GATEHOUSE_MULTI_TENANT=true turns it on).`;
}

/**
 * The first line of stdin without its line ending (nothing else is trimmed); a prompt on a
 * terminal. Reading stops at MAX_STDIN_BYTES: what was read is then refused as too long.
 */
async function readPassword(stdin: NodeJS.ReadStream): Promise<string> {
  if (stdin.isTTY) return readTerminalLine(stdin);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer>) {
    const newline = chunk.indexOf(0x0a);
    chunks.push(newline === -1 ? chunk : chunk.subarray(0, newline));
    size += chunk.length;
    if (newline !== -1 || size > MAX_STDIN_BYTES) break;
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
}

/** Reads one line from a terminal without echoing it (the prompt goes to stderr). */
async function readTerminalLine(stdin: NodeJS.ReadStream): Promise<string> {
  process.stderr.write('Password: ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  let line = '';
  try {
    for await (const chunk of stdin as AsyncIterable<string>) {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return line;
        if (char === '\u0003') return ''; // Ctrl-C: nothing entered
        line = char === '\u007f' || char === '\b' ? [...line].slice(0, -1).join('') : line + char;
      }
    }
    return line;
  } finally {
    stdin.setRawMode(false);
    process.stderr.write('\n');
  }
}

/** A sanity check only (one @, something on both sides, no spaces); the server's own rules are stricter. */
function looksLikeEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email);
}

function usage(out: Output): number {
  out.error(USAGE);
  return 2;
}

function fail(out: Output, message: string, code = 1): number {
  out.error(message);
  return code;
}
