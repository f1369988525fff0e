/**
 * Microsoft (Entra ID, v2.0 endpoint): OpenID Connect by discovery at `settings.issuer`, by
 * default the multi-tenant endpoint https://login.microsoftonline.com/common/v2.0.
 *
 * Identity: subject = `sub`. Microsoft documents it as immutable, never reassigned and fit
 * to key a database; it is pairwise (one value per user and app registration), so it does
 * not correlate users across apps the way the tenant-wide `oid` does. The price: replacing
 * the app registration (a new client id) changes every `sub`, and users must link again.
 *
 * Email: never verified from a multi-tenant endpoint (`common`, `organizations`,
 * `consumers`): any tenant's administrator can put any address in a user's `email`, so a
 * stranger's tenant could claim your users' addresses (the "nOAuth" attack). With a
 * single-tenant issuer (the operator's own tenant, identified by its GUID), the email is
 * verified only when the ID token carries `email` and `xms_edov: true` (Entra verified the
 * email's domain for that tenant). `xms_edov` is an optional claim the app registration has
 * to request (Token configuration → Add optional claim → ID → xms_edov); without it every
 * email stays unverified. `preferred_username` is never used as an email: it is a mutable
 * sign-in name, not a mailbox Microsoft vouches for.
 */
import type * as oauth from 'oauth4webapi';

import { codeFlowProvider, loadOnce } from './code-flow.js';
import {
  discover,
  httpOptions,
  stringClaim,
  verifiedIdToken,
  type HttpOptions,
  type ProviderOptions,
} from './protocol.js';
import {
  OAuthProviderError,
  type OAuthProvider,
  type OAuthProviderSettings,
  type ProviderIdentity,
} from './types.js';

export const MICROSOFT_MULTI_TENANT_ISSUER = 'https://login.microsoftonline.com/common/v2.0';
const SCOPES = ['openid', 'email', 'profile'];
const NAME = 'Microsoft';
const MULTI_TENANT_PATHS = new Set(['common', 'organizations', 'consumers']);
const TENANT_PLACEHOLDER = '{tenantid}';
/** The tenant of personal Microsoft accounts: what the `consumers` endpoint names as its issuer. */
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `common`, `organizations` or `consumers`: users of any tenant (or personal accounts) sign in. */
export function isMicrosoftMultiTenant(issuer: string): boolean {
  const url = new URL(issuer);
  const tenant = url.pathname.split('/')[1] ?? '';
  return url.hostname === 'login.microsoftonline.com' && MULTI_TENANT_PATHS.has(tenant);
}

/**
 * The issuer the discovery document must name. A tenant endpoint names itself. `common` and
 * `organizations` name the template https://login.microsoftonline.com/{tenantid}/v2.0;
 * `consumers` names the personal-accounts tenant.
 */
function expectedDiscoveryIssuer(issuer: string): string {
  if (!isMicrosoftMultiTenant(issuer)) return issuer;
  const url = new URL(issuer);
  const tenant = url.pathname.split('/')[1];
  const rest = url.pathname.split('/').slice(2).join('/');
  const id = tenant === 'consumers' ? CONSUMERS_TENANT : TENANT_PLACEHOLDER;
  return `${url.origin}/${id}/${rest}`;
}

export function createMicrosoftProvider(
  id: string,
  settings: OAuthProviderSettings,
  options: ProviderOptions = {},
): OAuthProvider {
  const issuer = settings.issuer ?? MICROSOFT_MULTI_TENANT_ISSUER;
  const multiTenant = isMicrosoftMultiTenant(issuer);
  const http = httpOptions(options);
  // Entra sends no RFC 9207 `iss` in callbacks; if it ever does from a multi-tenant
  // endpoint, it will not equal the template and is refused as wrong_issuer (fail closed).
  return codeFlowProvider(id, settings, options, {
    kind: 'microsoft',
    name: NAME,
    scopes: SCOPES,
    openIdConnect: true,
    metadata: loadOnce(() => discover(new URL(issuer), new URL(expectedDiscoveryIssuer(issuer)), http, NAME)),
    http,
    identity: async ({ as, client, response, nonce }) =>
      microsoftIdentity(await verifiedMicrosoftIdToken(as, client, response, nonce, http), multiTenant),
  });
}

/**
 * A multi-tenant endpoint's discovery names the issuer as a template, and each token's `iss`
 * is the template with the user's tenant (`tid`) filled in. oauth4webapi 3.8 compares `iss`
 * to `as.issuer` exactly; its only hook for templates is an undocumented internal export
 * (`_expectedIssuer`, absent from its typings), which we do not build on. Instead: read the
 * (still unverified) `tid`, let the library check `iss` exactly against the filled-in
 * template along with everything else, then, on the verified claims, check again that `iss`
 * is the template filled with the token's own `tid`.
 */
async function verifiedMicrosoftIdToken(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  response: Response,
  nonce: string,
  http: HttpOptions,
): Promise<oauth.IDToken> {
  if (!as.issuer.includes(TENANT_PLACEHOLDER)) {
    return verifiedIdToken(as, client, response, nonce, http, NAME);
  }
  const unverified = await unverifiedClaims(response.clone());
  // No ID token (an error answer, say): the library reports what is wrong with the response.
  if (unverified === undefined) return verifiedIdToken(as, client, response, nonce, http, NAME);
  const tid = unverified.tid;
  // A GUID, so the filled-in issuer cannot be steered into another path or host.
  if (typeof tid !== 'string' || !GUID.test(tid)) {
    throw new OAuthProviderError('invalid_id_token', 'the Microsoft ID token carries no tenant id');
  }
  const tenantAs = { ...as, issuer: as.issuer.replace(TENANT_PLACEHOLDER, tid) };
  // The signature is checked with the discovered metadata, whose JWKS cache persists.
  const claims = await verifiedIdToken(tenantAs, client, response, nonce, http, NAME, as);
  if (typeof claims.tid !== 'string' || claims.iss !== as.issuer.replace(TENANT_PLACEHOLDER, claims.tid)) {
    throw new OAuthProviderError('wrong_issuer', 'the Microsoft ID token issuer does not match its tenant');
  }
  return claims;
}

/** The claims of the ID token in a token response, before any verification (see above). */
async function unverifiedClaims(response: Response): Promise<Record<string, unknown> | undefined> {
  const body = (await response.json().catch(() => undefined)) as { id_token?: unknown } | undefined;
  if (typeof body?.id_token !== 'string') return undefined;
  try {
    const payload = body.id_token.split('.')[1] ?? '';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function microsoftIdentity(claims: oauth.IDToken, multiTenant: boolean): ProviderIdentity {
  const email = stringClaim(claims.email);
  return {
    subject: claims.sub,
    email,
    emailVerified: !multiTenant && email !== null && claims.xms_edov === true,
    name: stringClaim(claims.name),
  };
}
