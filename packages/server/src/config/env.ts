/**
 * Environment → configuration input. Three kinds of names:
 * - the names API.md promises outside tools (PORT, DATABASE_URL, GATEHOUSE_SECRET, ...);
 * - the generic form `GATEHOUSE_<SECTION>__<KEY>[__<KEY>]` for every other
 *   setting (`__` nests, SCREAMING_SNAKE matches camelCase: GATEHOUSE_SESSIONS__MAX_PER_USER);
 * - OAuth providers, one variable per field (`GATEHOUSE_OAUTH_<ID>_*`, `GATEHOUSE_OIDC_*`),
 *   gathered into `oauth.providers` (see oauthProvidersFromEnv);
 * - switches of features not built yet: accepted when off, refused when on.
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
  ['GATEHOUSE_METRICS_PORT', 'server.metricsPort'],
  ['GATEHOUSE_METRICS_HOST', 'server.metricsHost'],
  ['GATEHOUSE_METRICS_TOKEN', 'server.metricsToken'],
  ['GATEHOUSE_DOCS', 'server.docs'],
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
 * Switches API.md names for features not built yet, with what turning one on would promise.
 * Off (`false`/`0`) is accepted, as manifests may spell out the default; on is refused at
 * start, because a server running without a protection its operator switched on (here: the
 * refresh token stays in response bodies, readable by page scripts) is worse than one that
 * does not start. Wire the feature, then remove its name here.
 */
const UNBUILT_SWITCHES: ReadonlyMap<string, string> = new Map([
  [
    'GATEHOUSE_COOKIE_MODE',
    'browser cookie mode (refresh token in an HttpOnly cookie, CSRF tokens) is not available in this version: ' +
      'tokens are answered in response bodies only',
  ],
]);

/** Names reserved for later features (see UNBUILT_SWITCHES). */
export const RESERVED_ENV_VARS: readonly string[] = [...UNBUILT_SWITCHES.keys()];

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
  return (CLIENT_ENV_VARS as readonly string[]).includes(name) || UNBUILT_SWITCHES.has(name);
}

/** An unbuilt feature's switch: nothing when off, a refusal naming the variable when on or unreadable. */
function unbuiltSwitchIssue(name: string, raw: string): ConfigIssue | undefined {
  const value = parseValue(raw, ['boolean']);
  if (value === false) return undefined;
  const message =
    value === true
      ? `${name}=${raw}: ${UNBUILT_SWITCHES.get(name)}; unset ${name} or set it to false`
      : `${name}: expected true or false (the feature is not available yet, so only false), got ${JSON.stringify(raw.slice(0, 40))}`;
  return { path: '', source: name, message };
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
  // An object setting (oauth.providers) takes JSON: GATEHOUSE_OAUTH__PROVIDERS='{"corp":{...}}'.
  if (types.includes('object') && raw.startsWith('{')) return parseJsonOr(raw);
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
    ...RESERVED_ENV_VARS,
    OIDC_PROVIDERS_ENV_VAR,
    ...BUILTIN_OAUTH_PROVIDERS.flatMap((id) => Object.values(builtinProvider(id).vars)),
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
    if (UNBUILT_SWITCHES.has(name)) {
      const issue = unbuiltSwitchIssue(name, raw.trim());
      if (issue) issues.push(issue);
      continue;
    }
    if (named !== undefined) path = named.split('.');
    else if (!name.startsWith(PREFIX) || name === CONFIG_FILE_ENV_VAR || isReservedEnvVar(name)) continue;
    else if (isProviderEnvVar(name))
      continue; // gathered below, all fields of a provider at once
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
  addOauthProviders(env, input, sources, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return { input: input as GatehouseConfigInput, sources };
}

// ---------------------------------------------------------------------------------------------
// OAuth providers (API.md): GATEHOUSE_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET for the built-in
// providers (plus GATEHOUSE_OAUTH_MICROSOFT_ISSUER for a single-tenant issuer), and
// GATEHOUSE_OIDC_PROVIDERS=<id>[,<id>] with GATEHOUSE_OIDC_<ID>_ISSUER, _CLIENT_ID, _CLIENT_SECRET.
// Ids are lower case; a '-' in an id is written '_' in variable names (my-idp → GATEHOUSE_OIDC_MY_IDP_*).
// A single '_' after OAUTH tells these apart from the generic GATEHOUSE_OAUTH__<KEY> form.

export const BUILTIN_OAUTH_PROVIDERS = ['google', 'github', 'microsoft'] as const;
export const OIDC_PROVIDERS_ENV_VAR = 'GATEHOUSE_OIDC_PROVIDERS';
const OAUTH_PREFIX = 'GATEHOUSE_OAUTH_';
const OIDC_PREFIX = 'GATEHOUSE_OIDC_';
/** The schema's rule for `oauth.providers` keys. */
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

type ProviderField = 'clientId' | 'clientSecret' | 'issuer';
const FIELD_SUFFIXES: Record<ProviderField, string> = {
  clientId: 'CLIENT_ID',
  clientSecret: 'CLIENT_SECRET',
  issuer: 'ISSUER',
};

/** One provider's variables, and which of them it cannot do without. */
interface ProviderSpec {
  id: string;
  kind: 'google' | 'github' | 'microsoft' | 'oidc';
  vars: Partial<Record<ProviderField, string>>;
  required: readonly ProviderField[];
  /** Why the required ones are needed, for the message when one is missing. */
  because: (set: string) => string;
}

/** A provider variable, not the generic GATEHOUSE_OAUTH__<KEY> form. */
export function isProviderEnvVar(name: string): boolean {
  return (name.startsWith(OAUTH_PREFIX) || name.startsWith(OIDC_PREFIX)) && !name.includes('__');
}

/** `my-idp` → `MY_IDP`: variable names cannot hold '-'. */
const envId = (id: string) => id.toUpperCase().replace(/-/g, '_');

function varsOf(prefix: string, fields: readonly ProviderField[]): ProviderSpec['vars'] {
  return Object.fromEntries(fields.map((field) => [field, `${prefix}${FIELD_SUFFIXES[field]}`]));
}

function builtinProvider(id: (typeof BUILTIN_OAUTH_PROVIDERS)[number]): ProviderSpec {
  // Only Microsoft has a choice of issuer (a single tenant instead of the multi-tenant endpoint).
  const fields: ProviderField[] =
    id === 'microsoft' ? ['clientId', 'clientSecret', 'issuer'] : ['clientId', 'clientSecret'];
  return {
    id,
    kind: id,
    vars: varsOf(`${OAUTH_PREFIX}${envId(id)}_`, fields),
    required: ['clientId', 'clientSecret'],
    because: (set) => `${set} is set and ${id} needs a client id and secret`,
  };
}

function oidcProvider(id: string): ProviderSpec {
  return {
    id,
    kind: 'oidc',
    vars: varsOf(`${OIDC_PREFIX}${envId(id)}_`, ['issuer', 'clientId', 'clientSecret']),
    required: ['issuer', 'clientId', 'clientSecret'],
    because: () => `${OIDC_PROVIDERS_ENV_VAR} lists ${id}, which needs an issuer, a client id and a secret`,
  };
}

/** The ids GATEHOUSE_OIDC_PROVIDERS lists (lower-cased, each once). */
function listedOidcIds(raw: string | undefined, issues: ConfigIssue[]): string[] {
  const ids = [...new Set((raw ?? '').split(',').map((id) => id.trim().toLowerCase()))].filter(
    (id) => id !== '',
  );
  const bad = ids.filter((id) => !PROVIDER_ID.test(id));
  if (bad.length > 0) {
    issues.push({
      path: 'oauth.providers',
      source: OIDC_PROVIDERS_ENV_VAR,
      message: `expected provider ids of a-z, 0-9 and '-' (up to 32 characters), got ${bad.map((id) => JSON.stringify(id)).join(', ')}`,
    });
  }
  return ids.filter((id) => PROVIDER_ID.test(id));
}

type EnvValue = (name: string | undefined) => string | undefined;

/** A provider's settings from its variables; a missing required one is an issue naming it (values never shown). */
function readProvider(spec: ProviderSpec, value: EnvValue, issues: ConfigIssue[], listed: boolean) {
  const fields = Object.keys(spec.vars) as ProviderField[];
  const set = fields.filter((field) => value(spec.vars[field]) !== undefined);
  if (set.length === 0 && !listed) return undefined;
  const settings: Record<string, string> = { kind: spec.kind };
  const sources = new Map<string, string>();
  const first = spec.vars[set[0] ?? 'clientId'] ?? '';
  for (const field of fields) {
    const name = spec.vars[field] ?? '';
    const text = value(name);
    const path = `oauth.providers.${spec.id}.${field}`;
    if (text !== undefined) {
      settings[field] = text;
      sources.set(path, name);
    } else if (spec.required.includes(field)) {
      issues.push({ path, source: name, message: `not set, but ${spec.because(first)}` });
    }
  }
  return { settings, sources, first };
}

/** What a provider-looking variable nobody reads is: an unlisted OIDC id, an unknown provider, or a typo. */
function strayProviderVar(name: string): ConfigIssue {
  const field = /_(?:ISSUER|CLIENT_ID|CLIENT_SECRET)$/.exec(name);
  const middle = field === null ? '' : name.slice(0, field.index);
  if (field !== null && name.startsWith(OIDC_PREFIX) && middle.length > OIDC_PREFIX.length) {
    const id = middle.slice(OIDC_PREFIX.length).toLowerCase().replace(/_/g, '-');
    return {
      path: '',
      source: name,
      message: `${name} configures OpenID Connect provider "${id}", which ${OIDC_PROVIDERS_ENV_VAR} does not list`,
    };
  }
  if (field !== null && name.startsWith(OAUTH_PREFIX) && middle.length > OAUTH_PREFIX.length) {
    const id = middle.slice(OAUTH_PREFIX.length).toLowerCase().replace(/_/g, '-');
    // Every built-in provider's client id and secret are read: what is left there is an issuer.
    const message = (BUILTIN_OAUTH_PROVIDERS as readonly string[]).includes(id)
      ? `${name}: the ${id} issuer is fixed (only Microsoft takes one: GATEHOUSE_OAUTH_MICROSOFT_ISSUER)`
      : `${name}: "${id}" is not a built-in provider (${BUILTIN_OAUTH_PROVIDERS.join(', ')}); configure ` +
        `other OpenID Connect providers with ${OIDC_PROVIDERS_ENV_VAR} and GATEHOUSE_OIDC_<ID>_ISSUER, _CLIENT_ID, _CLIENT_SECRET`;
    return { path: '', source: name, message };
  }
  return { path: '', source: name, message: unknownMessage(name) };
}

/**
 * Gathers every OAuth provider variable into `oauth.providers`: a provider is configured
 * whole or not at all, so a half-configured one (a client id without its secret, a listed
 * OIDC id without an issuer, variables for an id that is not listed) is an error naming the
 * variable, never echoing a value.
 */
function addOauthProviders(
  env: NodeJS.ProcessEnv,
  input: Record<string, unknown>,
  sources: Map<string, string>,
  issues: ConfigIssue[],
): void {
  const value: EnvValue = (name) => (name === undefined ? undefined : env[name]?.trim() || undefined);
  const oidcIds = listedOidcIds(value(OIDC_PROVIDERS_ENV_VAR), issues);
  const specs = [
    ...BUILTIN_OAUTH_PROVIDERS.map((id) => ({ spec: builtinProvider(id), listed: false })),
    ...oidcIds.map((id) => ({ spec: oidcProvider(id), listed: true })),
  ];
  const providers: Record<string, Record<string, string>> = {};
  const setBy = new Map<string, string>();
  for (const { spec, listed } of specs) {
    const provider = readProvider(spec, value, issues, listed);
    if (provider === undefined) continue;
    const path = `oauth.providers.${spec.id}`;
    const earlier = setBy.get(spec.id) ?? sources.get('oauth.providers');
    if (earlier !== undefined) {
      issues.push({
        path,
        source: provider.first,
        message: `also set by ${earlier}; configure a provider once`,
      });
      continue;
    }
    providers[spec.id] = provider.settings;
    setBy.set(spec.id, provider.first);
    for (const [key, name] of provider.sources) sources.set(key, name);
  }
  const read = new Set([OIDC_PROVIDERS_ENV_VAR, ...specs.flatMap(({ spec }) => Object.values(spec.vars))]);
  for (const name of Object.keys(env).sort()) {
    if (isProviderEnvVar(name) && !read.has(name) && value(name) !== undefined) {
      issues.push(strayProviderVar(name));
    }
  }
  if (Object.keys(providers).length > 0) setPath(input, ['oauth', 'providers'], providers);
}
