/** `oauth`: sign-in with outside identity providers. */
import * as z from 'zod';

import { hasScheme } from '../checks.js';
import { checked, HOUR, int, MINUTE, nonEmpty } from '../schema-kit.js';

const oauthProviderSchema = z.strictObject({
  // 'google', 'github', 'microsoft' or 'oidc' (any OpenID Connect issuer by discovery).
  kind: z.enum(['google', 'github', 'microsoft', 'oidc']),
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  // OIDC issuer: required for 'oidc' (discovery at <issuer>/.well-known/openid-configuration;
  // the ID token's iss must equal it exactly). Microsoft: defaults to the multi-tenant
  // endpoint, whose emails are never treated as verified.
  issuer: checked(hasScheme('https', 'http'), 'an http(s) issuer URL').optional(),
  scopes: z.array(nonEmpty).default([]),
});

export const oauthSchema = z.strictObject({
  // Providers by id. Env: GATEHOUSE_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET for google, github,
  // microsoft; GATEHOUSE_OIDC_PROVIDERS=<id>[,<id>] with GATEHOUSE_OIDC_<ID>_ISSUER, _CLIENT_ID,
  // _CLIENT_SECRET for generic OIDC issuers.
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/), oauthProviderSchema).default({}),
  // A login attempt (state, nonce, PKCE verifier) lives 10 minutes.
  stateTtlSeconds: int(60, HOUR).default(10 * MINUTE),
  // The one-time code the callback hands to redirectTo: single use, 60 s (API.md).
  exchangeCodeTtlSeconds: int(10, 600).default(60),
});
