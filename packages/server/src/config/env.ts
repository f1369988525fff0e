/**
 * Environment → configuration input. Three kinds of names:
 * - the names API.md promises outside tools (PORT, DATABASE_URL, GATEHOUSE_SECRET, ...);
 * - the generic form `GATEHOUSE_<SECTION>__<KEY>[__<KEY>]` for every other
 *   setting (`__` nests, SCREAMING_SNAKE matches camelCase: GATEHOUSE_SESSIONS__MAX_PER_USER);
 * - names reserved for features not built yet, accepted and ignored.
 * Any other GATEHOUSE_* variable is an error, so a typo cannot silently fall back to a default.
 */
import {
  closestMatch,
  ConfigError,
  configKeyInfo,
  listConfigPaths,
  type ConfigIssue,
  type GatehouseConfigInput,
} from '@gatehouse/core';

const PREFIX = 'GATEHOUSE_';

/** The names API.md fixes, each with the setting it sets. */
export const NAMED_ENV_VARS: ReadonlyMap<string, string> = new Map([
  ['PORT', 'server.port'],
  ['HOST', 'server.host'],
  ['NODE_ENV', 'environment'],
  ['GATEHOUSE_DATA_DIR', 'storage.dataDir'],
  ['DATABASE_URL', 'storage.databaseUrl'],
  ['REDIS_URL', 'storage.redisUrl'],
  ['REDIS_CLUSTER_NODES', 'storage.redisClusterNodes'],
  ['GATEHOUSE_SECRET', 'secret'],
  ['GATEHOUSE_PUBLIC_URL', 'server.publicUrl'],
  ['GATEHOUSE_TRUSTED_PROXIES', 'server.trustedProxies'],
  ['GATEHOUSE_CORS_ORIGINS', 'server.corsOrigins'],
  ['GATEHOUSE_LOG_LEVEL', 'server.logLevel'],
  ['GATEHOUSE_MULTI_TENANT', 'tenancy.multiTenant'],
  ['GATEHOUSE_TENANTS', 'tenancy.tenants'],
  ['GATEHOUSE_BOOTSTRAP_ADMIN_EMAIL', 'bootstrapAdmin.email'],
  ['GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD', 'bootstrapAdmin.password'],
  ['GATEHOUSE_PRESET', 'preset'],
  ['GATEHOUSE_REDIRECT_ORIGINS', 'server.redirectOrigins'],
  ['GATEHOUSE_WEBAUTHN_RP_ID', 'webauthn.rpId'],
  ['GATEHOUSE_WEBAUTHN_RP_NAME', 'webauthn.rpName'],
  ['GATEHOUSE_WEBAUTHN_ORIGINS', 'webauthn.origins'],
  ['GATEHOUSE_MAIL_TRANSPORT', 'mail.transport'],
  ['GATEHOUSE_MAIL_FROM', 'mail.from'],
  ['SMTP_URL', 'mail.smtpUrl'],
  ['GATEHOUSE_SMS_TRANSPORT', 'sms.transport'],
  ['TWILIO_ACCOUNT_SID', 'sms.twilio.accountSid'],
  ['TWILIO_AUTH_TOKEN', 'sms.twilio.authToken'],
  ['TWILIO_FROM', 'sms.twilio.from'],
  ['TWILIO_API_URL', 'sms.twilio.apiUrl'],
]);

/** Path of an optional config file (file.ts). */
export const CONFIG_FILE_ENV_VAR = 'GATEHOUSE_CONFIG';

/**
 * Names API.md reserves for later features: accepted and ignored until the
 * feature wires them (read them from the environment there, then remove them
 * here). A trailing `*` matches any suffix (provider ids are free-form).
 */
export const RESERVED_ENV_VARS = ['GATEHOUSE_COOKIE_MODE', 'GATEHOUSE_OAUTH_*', 'GATEHOUSE_OIDC_*'] as const;

/**
 * Variables of the `gatehouse` command's client side (authenticator vault, login session):
 * not server settings, so the server ignores them rather than calling them typos (a shell
 * that uses both must be able to run `gatehouse serve`).
 */
export const CLIENT_ENV_VARS = [
  'GATEHOUSE_HOME',
  'GATEHOUSE_VAULT_PASSPHRASE',
  'GATEHOUSE_VAULT_NEW_PASSPHRASE',
  'GATEHOUSE_VAULT_KDF',
  'GATEHOUSE_TEST_NOW',
  'GATEHOUSE_TEST_PAUSE_BEFORE_RENAME',
] as const;

export function isReservedEnvVar(name: string): boolean {
  if ((CLIENT_ENV_VARS as readonly string[]).includes(name)) return true;
  return RESERVED_ENV_VARS.some((reserved) =>
    reserved.endsWith('*') ? name.startsWith(reserved.slice(0, -1)) : name === reserved,
  );
}

const words = (key: string) =>
  key
    .replace(/KiB/g, 'Kib')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();

/** The generic variable for a dotted path: `sessions.maxPerUser` → `GATEHOUSE_SESSIONS__MAX_PER_USER`. */
export function envVarForPath(path: string): string {
  return PREFIX + path.split('.').map(words).join('__');
}

const normalize = (text: string) => text.replace(/_/g, '').toLowerCase();

/** Parses a raw value for a setting accepting `types` (JSON types from the schema). */
function parseValue(raw: string, types: readonly string[]): unknown {
  if (types.includes('null') && raw === 'null') return null;
  if (types.includes('boolean')) {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
  }
  const numeric = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(raw);
  if (numeric && (types.includes('integer') || types.includes('number'))) return Number(raw);
  if (types.includes('array')) {
    if (raw.startsWith('[')) return parseJsonOr(raw);
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (types.length === 0 && (numeric || /^(?:true|false|null)$/.test(raw) || raw.startsWith('['))) {
    return parseJsonOr(raw);
  }
  // Anything else stays a string; the schema then says what was expected instead.
  return raw;
}

function parseJsonOr(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

type Resolved = { path: string[] } | { problem: string };

/** `GATEHOUSE_PASSWORDS__ARGON2__MEMORY_KIB` → ['passwords', 'argon2', 'memoryKiB']. */
function resolveGenericName(name: string): Resolved {
  const segments = name.slice(PREFIX.length).split('__');
  const path: string[] = [];
  for (const segment of segments) {
    const key = configKeyInfo(path)?.keys.find((candidate) => normalize(candidate) === normalize(segment));
    if (segment === '' || key === undefined) return { problem: unknownMessage(name) };
    path.push(key);
  }
  const info = configKeyInfo(path);
  if (path.length < 2 || (info?.keys.length ?? 0) > 0) {
    const example = listConfigPaths().find((leaf) => leaf.startsWith(`${path.join('.')}.`));
    return {
      problem: `${name} names a section, not a setting${example ? `; e.g. ${envVarForPath(example)}` : ''}`,
    };
  }
  return { path };
}

function knownNames(): Map<string, string> {
  const names = [
    ...NAMED_ENV_VARS.keys(),
    CONFIG_FILE_ENV_VAR,
    ...RESERVED_ENV_VARS.filter((n) => !n.endsWith('*')),
  ];
  for (const path of listConfigPaths()) if (path.includes('.')) names.push(envVarForPath(path));
  // Compare GATEHOUSE_ names without the prefix, so GATEHOUSE_DATABASE_URL finds DATABASE_URL.
  return new Map(names.map((n) => [n.startsWith(PREFIX) ? n.slice(PREFIX.length) : n, n]));
}

function unknownMessage(name: string): string {
  const known = knownNames();
  const match = closestMatch(name.slice(PREFIX.length), known.keys());
  const suggestion = match === undefined ? undefined : known.get(match);
  return `unknown setting ${name}${suggestion ? `; did you mean ${suggestion}?` : ''} (see docs/configuration.md)`;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    const child = node[key];
    node =
      typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : (node[key] = {});
  });
  node[path[path.length - 1] ?? ''] = value;
}

/** NODE_ENV is shared with the whole Node ecosystem, so anything but production/test means development. */
const environmentOf = (raw: string) => (raw === 'production' || raw === 'test' ? raw : 'development');

export interface EnvConfig {
  input: GatehouseConfigInput;
  /** Dotted config path → the variable that set it, for error messages. */
  sources: Map<string, string>;
}

/**
 * Reads configuration from `env`. Empty values count as unset. Throws a
 * ConfigError naming every unknown GATEHOUSE_* variable; values are
 * validated later, by createConfig, with the variable named in each message.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): EnvConfig {
  const input: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  // Named variables first, so a generic duplicate is the one reported.
  const names = Object.keys(env).sort();
  for (const name of [
    ...names.filter((n) => NAMED_ENV_VARS.has(n)),
    ...names.filter((n) => !NAMED_ENV_VARS.has(n)),
  ]) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const named = NAMED_ENV_VARS.get(name);
    let path: string[];
    if (named !== undefined) path = named.split('.');
    else if (!name.startsWith(PREFIX) || name === CONFIG_FILE_ENV_VAR || isReservedEnvVar(name)) continue;
    else {
      const resolved: Resolved = name.includes('__')
        ? resolveGenericName(name)
        : { problem: unknownMessage(name) };
      if ('problem' in resolved) {
        issues.push({ path: '', source: name, message: resolved.problem });
        continue;
      }
      path = resolved.path;
    }
    const key = path.join('.');
    const earlier = sources.get(key);
    if (earlier !== undefined) {
      issues.push({ path: key, source: name, message: `also set by ${earlier}; set it once` });
      continue;
    }
    // A password may legitimately end in spaces; everything else is trimmed.
    const text = key === 'bootstrapAdmin.password' ? raw : raw.trim();
    const value =
      name === 'NODE_ENV' ? environmentOf(text) : parseValue(text, configKeyInfo(path)?.types ?? []);
    sources.set(key, name);
    setPath(input, path, value);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { input: input as GatehouseConfigInput, sources };
}
