/**
 * The environment variable names the server knows besides the generic
 * `GATEHOUSE_<SECTION>__<KEY>` form: the names API.md promises outside tools, the config
 * file's, switches of features not built yet, and the CLI's client-side names the server
 * leaves alone.
 */
export const PREFIX = 'GATEHOUSE_';

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
  ['GATEHOUSE_COOKIE_MODE', 'server.cookieMode'],
  ['GATEHOUSE_COOKIE_POLICY', 'server.cookiePolicy'],
  ['GATEHOUSE_COOKIE_DOMAIN', 'server.cookieDomain'],
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
export const UNBUILT_SWITCHES: ReadonlyMap<string, string> = new Map<string, string>([]);

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
] as const;

export function isReservedEnvVar(name: string): boolean {
  return (CLIENT_ENV_VARS as readonly string[]).includes(name) || UNBUILT_SWITCHES.has(name);
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
