/**
 * Any OpenID Connect issuer by discovery (config kind `oidc`): Keycloak, Auth0, Okta,
 * Authentik, a company IdP...
 *
 * Discovery at `<issuer>/.well-known/openid-configuration`, and the document must name
 * exactly the configured issuer (OpenID Connect Discovery §4.3), so the ID token's `iss`
 * is compared with the configured string itself (mix-up defence). Code flow with PKCE S256,
 * `state`, `nonce`; the ID token's signature (JWKS), `iss`, `aud`, `nonce` and `exp` are
 * verified (protocol.ts). The profile comes from the ID token, or from userinfo when the
 * ID token carries no email (many issuers put scope claims only there).
 *
 * Identity: subject = `sub`. Email: verified when the issuer says `email_verified: true`;
 * an operator configures only issuers it trusts to vouch for addresses (docs/oauth.md).
 */
import * as oauth from 'oauth4webapi';
import { ConfigError } from '../../config/errors.js';

import { codeFlowProvider, loadOnce, type TokenResponse } from './code-flow.js';
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

const SCOPES = ['openid', 'email', 'profile'];

export interface OidcProviderOptions extends ProviderOptions {
  /**
   * Accept an `http:` issuer (a local test issuer). The factory allows it outside production
   * only; oauth4webapi refuses plain HTTP otherwise.
   */
  allowHttp?: boolean;
}

export function createOidcProvider(
  id: string,
  settings: OAuthProviderSettings,
  options: OidcProviderOptions = {},
): OAuthProvider {
  const issuer = settings.issuer;
  const path = `oauth.providers.${id}.issuer`;
  if (issuer === undefined) {
    throw new ConfigError([{ path, message: 'an oidc provider needs its issuer URL' }]);
  }
  if (new URL(issuer).protocol === 'http:' && !options.allowHttp) {
    throw new ConfigError([{ path, message: 'must be an https URL in production' }]);
  }
  const http = allowingHttp(httpOptions(options), options.allowHttp === true);
  return codeFlowProvider(id, settings, options, {
    kind: 'oidc',
    name: id,
    scopes: SCOPES,
    openIdConnect: true,
    metadata: loadOnce(() => discoverExactly(issuer, http, id)),
    http,
    identity: (tokens) => oidcIdentity(tokens, http, id),
  });
}

/** The profile from the ID token, or from userinfo when the ID token carries no email. */
async function oidcIdentity(
  { as, client, response, nonce }: TokenResponse,
  http: HttpOptions,
  id: string,
): Promise<ProviderIdentity> {
  // The access token is needed for userinfo; the library consumes the original body.
  const body = response.clone();
  const claims = await verifiedIdToken(as, client, response, nonce, http, id);
  if (claims.email !== undefined || as.userinfo_endpoint === undefined) {
    return identityOf(claims.sub, claims);
  }
  const { access_token: accessToken } = (await body.json()) as { access_token: string };
  return identityOf(claims.sub, await userinfo(as, client, accessToken, claims.sub, http, id));
}

/**
 * Discovery, then the exact issuer string: oauth4webapi compares normalised URLs, but the
 * ID token's `iss` is checked against what the document names, so it must be the configured
 * value itself (`https://idp.example` and `https://idp.example/` are different issuers).
 */
async function discoverExactly(
  issuer: string,
  http: HttpOptions,
  id: string,
): Promise<oauth.AuthorizationServer> {
  const as = await discover(new URL(issuer), new URL(issuer), http, id);
  if (as.issuer !== issuer) {
    throw new OAuthProviderError(
      'discovery_failed',
      `${id} names its issuer ${JSON.stringify(as.issuer)}; configure exactly that value`,
    );
  }
  const methods = as.code_challenge_methods_supported;
  if (methods !== undefined && !methods.includes('S256')) {
    throw new OAuthProviderError('discovery_failed', `${id} does not support PKCE with S256`);
  }
  return as;
}

/** The userinfo answer, whose `sub` must be the ID token's (oauth4webapi checks it). */
async function userinfo(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  accessToken: string,
  subject: string,
  http: HttpOptions,
  id: string,
): Promise<oauth.UserInfoResponse> {
  try {
    const response = await oauth.userInfoRequest(as, client, accessToken, http);
    return await oauth.processUserInfoResponse(as, client, subject, response);
  } catch {
    throw new OAuthProviderError('userinfo_failed', `the ${id} userinfo endpoint did not answer usably`);
  }
}

/** Email and its verification come from one source (never an ID token email with a userinfo flag). */
function identityOf(subject: string, profile: oauth.IDToken | oauth.UserInfoResponse): ProviderIdentity {
  const email = stringClaim(profile.email);
  return {
    subject,
    email,
    emailVerified: email !== null && profile.email_verified === true,
    name: stringClaim(profile.name),
  };
}

function allowingHttp(http: HttpOptions, allow: boolean): HttpOptions {
  return allow ? Object.assign(http, { [oauth.allowInsecureRequests]: true }) : http;
}
