/**
 * Environment → configuration input. Four kinds of names:
 * - the names API.md promises outside tools (PORT, DATABASE_URL, GATEHOUSE_SECRET, ...);
 * - the generic form `GATEHOUSE_<SECTION>__<KEY>[__<KEY>]` for every other
 *   setting (`__` nests, SCREAMING_SNAKE matches camelCase: GATEHOUSE_SESSIONS__MAX_PER_USER);
 * - OAuth providers, one variable per field (`GATEHOUSE_OAUTH_<ID>_*`, `GATEHOUSE_OIDC_*`),
 *   gathered into `oauth.providers` (oauth-env.ts);
 * - switches of features not built yet: accepted when off, refused when on.
 * The names live in env-names.ts. Any other GATEHOUSE_* variable is an error, so a typo
 * cannot silently fall back to a default.
 */
import {
  ConfigError,
  configKeyInfo,
  listConfigPaths,
  type ConfigIssue,
  type GatehouseConfigInput,
} from '@gatehouse/core';

import {
  CONFIG_FILE_ENV_VAR,
  envVarForPath,
  isReservedEnvVar,
  NAMED_ENV_VARS,
  PREFIX,
  UNBUILT_SWITCHES,
} from './env-names.js';
import { environmentOf, parseValue, setPath } from './env-values.js';
import { addOauthProviders } from './oauth-env.js';
import { isProviderEnvVar } from './oauth-env-names.js';
import { unknownMessage } from './unknown-env.js';

export {
  CLIENT_ENV_VARS,
  CONFIG_FILE_ENV_VAR,
  envVarForPath,
  isReservedEnvVar,
  NAMED_ENV_VARS,
  RESERVED_ENV_VARS,
} from './env-names.js';
export { BUILTIN_OAUTH_PROVIDERS, isProviderEnvVar, OIDC_PROVIDERS_ENV_VAR } from './oauth-env-names.js';

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

const normalize = (text: string) => text.replace(/_/g, '').toLowerCase();

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
