/**
 * Google: OpenID Connect with the fixed issuer https://accounts.google.com.
 *
 * Identity: subject = `sub` (Google's stable account id; the email can change hands).
 * Email: verified only when the ID token says `email_verified: true` AND Google is
 * authoritative for the address: a Gmail address, or an address in the Google Workspace
 * domain named by the `hd` claim. A Google account can also be registered on an outside
 * address (say @yahoo.com); Google checked it once, but that mailbox may have changed owner
 * since, so such an address is passed on unverified (Google's "Authenticate with a backend
 * server" guidance).
 */
import type * as oauth from 'oauth4webapi';

import { codeFlowProvider } from './code-flow.js';
import { httpOptions, stringClaim, verifiedIdToken, type ProviderOptions } from './protocol.js';
import type { OAuthProvider, OAuthProviderSettings, ProviderIdentity } from './types.js';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
const SCOPES = ['openid', 'email', 'profile'];
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);
const NAME = 'Google';

/**
 * Google's metadata, pinned (it is what https://accounts.google.com/.well-known/openid-configuration
 * serves; a test compares them) rather than discovered: one round trip and one failure mode
 * less per sign-in. A fresh object per provider, because oauth4webapi caches the JWKS per object.
 */
function googleMetadata(): oauth.AuthorizationServer {
  return {
    issuer: GOOGLE_ISSUER,
    authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    token_endpoint: 'https://oauth2.googleapis.com/token',
    userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
    jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['plain', 'S256'],
  };
}

export function createGoogleProvider(
  id: string,
  settings: OAuthProviderSettings,
  options: ProviderOptions = {},
): OAuthProvider {
  const as = googleMetadata();
  const http = httpOptions(options);
  return codeFlowProvider(id, settings, options, {
    kind: 'google',
    name: NAME,
    scopes: SCOPES,
    openIdConnect: true,
    metadata: () => Promise.resolve(as),
    http,
    identity: async ({ client, response, nonce }) =>
      googleIdentity(await verifiedIdToken(as, client, response, nonce, http, NAME)),
  });
}

function googleIdentity(claims: oauth.IDToken): ProviderIdentity {
  const email = stringClaim(claims.email);
  return {
    subject: claims.sub,
    email,
    emailVerified:
      email !== null && claims.email_verified === true && googleIsAuthoritative(email, claims.hd),
    name: stringClaim(claims.name),
  };
}

/** Gmail, or the Workspace domain (`hd`) the address belongs to: Google owns those mailboxes. */
function googleIsAuthoritative(email: string, hostedDomain: unknown): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  if (GMAIL_DOMAINS.has(domain)) return true;
  return typeof hostedDomain === 'string' && hostedDomain.toLowerCase() === domain;
}
