/**
 * The variable names of OAuth providers (API.md): GATEHOUSE_OAUTH_<ID>_CLIENT_ID /
 * _CLIENT_SECRET for the built-in providers (plus GATEHOUSE_OAUTH_MICROSOFT_ISSUER for a
 * single-tenant issuer), and GATEHOUSE_OIDC_PROVIDERS=<id>[,<id>] with
 * GATEHOUSE_OIDC_<ID>_ISSUER, _CLIENT_ID, _CLIENT_SECRET. Ids are lower case; a '-' in an
 * id is written '_' in variable names (my-idp → GATEHOUSE_OIDC_MY_IDP_*). A single '_'
 * after OAUTH tells these apart from the generic GATEHOUSE_OAUTH__<KEY> form.
 */
import type { ConfigIssue } from '@gatehouse/core';

export const BUILTIN_OAUTH_PROVIDERS = ['google', 'github', 'microsoft'] as const;
export const OIDC_PROVIDERS_ENV_VAR = 'GATEHOUSE_OIDC_PROVIDERS';
export const OAUTH_PREFIX = 'GATEHOUSE_OAUTH_';
export const OIDC_PREFIX = 'GATEHOUSE_OIDC_';
/** The schema's rule for `oauth.providers` keys. */
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

export type ProviderField = 'clientId' | 'clientSecret' | 'issuer';
const FIELD_SUFFIXES: Record<ProviderField, string> = {
  clientId: 'CLIENT_ID',
  clientSecret: 'CLIENT_SECRET',
  issuer: 'ISSUER',
};

/** One provider's variables, and which of them it cannot do without. */
export interface ProviderSpec {
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

export function builtinProvider(id: (typeof BUILTIN_OAUTH_PROVIDERS)[number]): ProviderSpec {
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

export function oidcProvider(id: string): ProviderSpec {
  return {
    id,
    kind: 'oidc',
    vars: varsOf(`${OIDC_PREFIX}${envId(id)}_`, ['issuer', 'clientId', 'clientSecret']),
    required: ['issuer', 'clientId', 'clientSecret'],
    because: () => `${OIDC_PROVIDERS_ENV_VAR} lists ${id}, which needs an issuer, a client id and a secret`,
  };
}

/** The ids GATEHOUSE_OIDC_PROVIDERS lists (lower-cased, each once). */
export function listedOidcIds(raw: string | undefined, issues: ConfigIssue[]): string[] {
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
