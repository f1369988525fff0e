/**
 * Gathers the OAuth provider variables (oauth-env-names.ts) into `oauth.providers`. A
 * provider is configured whole or not at all, so a half-configured one (a client id
 * without its secret, a listed OIDC id without an issuer, variables for an id that is not
 * listed) is an error naming the variable, never echoing a value.
 */
import type { ConfigIssue } from '@gatehouse/core';

import { setPath } from './env-values.js';
import {
  BUILTIN_OAUTH_PROVIDERS,
  builtinProvider,
  isProviderEnvVar,
  listedOidcIds,
  OAUTH_PREFIX,
  OIDC_PREFIX,
  OIDC_PROVIDERS_ENV_VAR,
  oidcProvider,
  type ProviderField,
  type ProviderSpec,
} from './oauth-env-names.js';
import { unknownMessage } from './unknown-env.js';

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

/** Every OAuth provider variable of `env`, into `input.oauth.providers`; problems go to `issues`. */
export function addOauthProviders(
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
