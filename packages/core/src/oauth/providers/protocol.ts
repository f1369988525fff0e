/**
 * Protocol steps the built-in adapters (Google, GitHub, Microsoft) share, on top of
 * oauth4webapi: the authorization URL, the callback check, the code exchange, ID token
 * verification, and the mapping of every library failure onto a stable
 * `OAuthProviderError` reason. Messages name what went wrong, never a secret or a token:
 * library errors are not passed on as `cause` because theirs hold response bodies (tokens).
 */
import * as oauth from 'oauth4webapi';

import { systemClock } from '../../util/clock.js';
import {
  OAuthProviderError,
  type AuthorizationRequest,
  type CallbackInput,
  type OAuthProviderSettings,
} from './types.js';

/** What every `create<Name>Provider` accepts besides its settings. */
export interface ProviderOptions {
  /** Replaces the global fetch for every call to the provider (tests serve recorded responses). */
  fetch?: typeof fetch;
  /** Current time in epoch milliseconds, for ID token expiry checks. */
  clock?: () => number;
}

/** A hung provider must not hold a sign-in (and a socket) open: each call gives up after 10 s. */
const REQUEST_TIMEOUT_MS = 10_000;

type CustomFetch = (url: string, init: oauth.CustomFetchOptions<string, unknown>) => Promise<Response>;

/** Transport options accepted by every oauth4webapi call that talks to the provider. */
export interface HttpOptions {
  signal: (url: string) => AbortSignal;
  [oauth.customFetch]?: CustomFetch;
}

export function httpOptions(options: ProviderOptions): HttpOptions {
  const http: HttpOptions = { signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  const injected = options.fetch;
  if (injected !== undefined) {
    http[oauth.customFetch] = (url, init) =>
      injected(url, {
        method: init.method,
        headers: init.headers,
        body: init.body as RequestInit['body'],
        redirect: init.redirect,
        signal: init.signal ?? null,
      });
  }
  return http;
}

/**
 * The client as oauth4webapi sees it; an injected clock becomes the library's clock skew
 * (the library reads the system clock itself, so the skew is measured against that one).
 */
export function clientOf(settings: OAuthProviderSettings, options: ProviderOptions): oauth.Client {
  const client: oauth.Client = { client_id: settings.clientId };
  if (options.clock !== undefined)
    client[oauth.clockSkew] = Math.round((options.clock() - systemClock.now()) / 1000);
  return client;
}

/** The adapter's default scopes plus the configured extras, each once. */
export function scopeOf(defaults: readonly string[], extra: readonly string[]): string {
  return [...new Set([...defaults, ...extra])].join(' ');
}

/** Code flow with PKCE S256; `nonce` only for OpenID Connect providers (it binds the ID token). */
export function buildAuthorizationUrl(
  as: oauth.AuthorizationServer,
  settings: OAuthProviderSettings,
  scope: string,
  request: AuthorizationRequest,
  withNonce: boolean,
): URL {
  if (as.authorization_endpoint === undefined) {
    throw new OAuthProviderError('discovery_failed', 'the provider metadata has no authorization endpoint');
  }
  const url = new URL(as.authorization_endpoint);
  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set('client_id', settings.clientId);
  params.set('redirect_uri', request.redirectUri);
  params.set('scope', scope);
  params.set('state', request.state);
  params.set('code_challenge', request.codeChallenge);
  params.set('code_challenge_method', 'S256');
  if (withNonce) params.set('nonce', request.nonce);
  return url;
}

/** Error codes from a provider are echoed only when they look like codes, not free text. */
const safeCode = (value: unknown): string =>
  typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : 'an error';

/**
 * Checks the callback: exactly the expected `state` (compared here first, so a mismatch has
 * its own reason), an `iss` parameter equal to the issuer when present (RFC 9207), no error
 * answer, and a code. Returns the parameters oauth4webapi's code exchange requires.
 */
export function checkCallback(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  callback: CallbackInput,
  provider: string,
): URLSearchParams {
  const states = callback.callbackUrl.searchParams.getAll('state');
  if (states.length !== 1 || states[0] !== callback.state) {
    throw new OAuthProviderError(
      'state_mismatch',
      `the ${provider} callback does not carry the expected state`,
    );
  }
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callback.callbackUrl, callback.state);
  } catch (error) {
    throw callbackError(error, as, callback.callbackUrl, provider);
  }
  if (!params.get('code')) {
    throw new OAuthProviderError('invalid_callback', `the ${provider} callback carries no code`);
  }
  return params;
}

function callbackError(error: unknown, as: oauth.AuthorizationServer, url: URL, provider: string) {
  if (error instanceof oauth.AuthorizationResponseError) {
    const reason = error.error === 'access_denied' ? 'access_denied' : 'authorization_failed';
    return new OAuthProviderError(
      reason,
      `${provider} answered the authorization with ${safeCode(error.error)}`,
    );
  }
  // State is checked above, so what the library still refuses is the issuer or the response shape.
  if (url.searchParams.has('iss') || as.authorization_response_iss_parameter_supported === true) {
    return new OAuthProviderError('wrong_issuer', `the ${provider} callback names another issuer`);
  }
  return new OAuthProviderError(
    'invalid_callback',
    `the ${provider} callback is not a valid authorization response`,
  );
}

/** The code exchange request: PKCE verifier, exact redirect URI, client secret in the body. */
export async function requestTokens(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  settings: OAuthProviderSettings,
  params: URLSearchParams,
  callback: CallbackInput,
  http: HttpOptions,
  provider: string,
): Promise<Response> {
  try {
    // client_secret_post: every provider here accepts it, and it needs no Basic-auth encoding.
    const auth = oauth.ClientSecretPost(settings.clientSecret);
    return await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      callback.redirectUri,
      callback.codeVerifier,
      http,
    );
  } catch {
    throw new OAuthProviderError(
      'token_exchange_failed',
      `the ${provider} token endpoint could not be reached`,
    );
  }
}

/** How a failed token response or ID token maps onto a stable reason. */
export function tokenResponseError(error: unknown, provider: string): OAuthProviderError {
  if (error instanceof OAuthProviderError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    return new OAuthProviderError(
      'token_exchange_failed',
      `the ${provider} token endpoint refused the code: ${safeCode(error.error)}`,
    );
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new OAuthProviderError(
      'token_exchange_failed',
      `the ${provider} token endpoint refused the client`,
    );
  }
  if (error instanceof oauth.OperationProcessingError) return processingError(error, provider);
  // UnsupportedOperationError: an ID token algorithm or token type we do not accept.
  return new OAuthProviderError('invalid_id_token', `the ${provider} token response is not acceptable`);
}

const CLAIM_REASONS: Record<string, string> = {
  iss: 'wrong_issuer',
  aud: 'wrong_audience',
  azp: 'wrong_audience',
  nonce: 'nonce_mismatch',
};

function processingError(error: oauth.OperationProcessingError, provider: string): OAuthProviderError {
  const cause = error.cause as { claim?: unknown; body?: { access_token?: unknown } } | undefined;
  switch (error.code) {
    case oauth.JWT_CLAIM_COMPARISON: {
      const claim = typeof cause?.claim === 'string' ? cause.claim : 'unknown';
      const reason = CLAIM_REASONS[claim] ?? 'invalid_id_token';
      return new OAuthProviderError(reason, `the ${provider} ID token has an unexpected ${claim} claim`);
    }
    case oauth.JWT_TIMESTAMP_CHECK:
      return new OAuthProviderError(
        'invalid_id_token',
        `the ${provider} ID token is expired or not yet valid`,
      );
    case oauth.RESPONSE_IS_NOT_CONFORM:
    case oauth.RESPONSE_IS_NOT_JSON:
      return new OAuthProviderError('token_exchange_failed', `the ${provider} token endpoint answered badly`);
    default:
      // INVALID_RESPONSE / PARSE_ERROR: a token response without an access token is the
      // exchange's fault; anything else (missing claims, malformed JWT) is the ID token's.
      if (cause?.body !== undefined && typeof cause.body.access_token !== 'string') {
        return new OAuthProviderError(
          'token_exchange_failed',
          `the ${provider} token response has no access token`,
        );
      }
      return new OAuthProviderError('invalid_id_token', `the ${provider} ID token is malformed`);
  }
}

/**
 * Processes an OpenID Connect token response: `iss` (exactly `as.issuer`), `aud`/`azp`,
 * `exp`/`nbf`, `nonce` (required and equal) by oauth4webapi, then the signature against the
 * provider's JWKS, which the library leaves optional (TLS to the token endpoint) and we do not.
 * `jwksAs` is the metadata whose JWKS cache is reused (see microsoft.ts).
 */
export async function verifiedIdToken(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  response: Response,
  nonce: string,
  http: HttpOptions,
  provider: string,
  jwksAs: oauth.AuthorizationServer = as,
): Promise<oauth.IDToken> {
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
  } catch (error) {
    throw tokenResponseError(error, provider);
  }
  await verifySignature(jwksAs, response, http, provider);
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (claims === undefined) {
    throw new OAuthProviderError('invalid_id_token', `the ${provider} token response has no ID token`);
  }
  return claims;
}

async function verifySignature(
  as: oauth.AuthorizationServer,
  response: Response,
  http: HttpOptions,
  provider: string,
): Promise<void> {
  try {
    await oauth.validateApplicationLevelSignature(as, response, http);
  } catch (error) {
    const refused =
      error instanceof oauth.UnsupportedOperationError ||
      (error instanceof oauth.OperationProcessingError &&
        (error.code === oauth.INVALID_RESPONSE || error.code === oauth.KEY_SELECTION));
    if (refused) {
      throw new OAuthProviderError('invalid_id_token', `the ${provider} ID token signature is not valid`);
    }
    throw new OAuthProviderError('jwks_unavailable', `the ${provider} signing keys could not be loaded`);
  }
}

/** Discovery with the exact-issuer check of OpenID Connect Discovery §4.3. */
export async function discover(
  issuer: URL,
  expectedIssuer: URL,
  http: HttpOptions,
  provider: string,
): Promise<oauth.AuthorizationServer> {
  try {
    const response = await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oidc' });
    return await oauth.processDiscoveryResponse(expectedIssuer, response);
  } catch {
    throw new OAuthProviderError(
      'discovery_failed',
      `the ${provider} discovery document at ${issuer.href} could not be loaded or names another issuer`,
    );
  }
}

/** A string claim, or null when absent or of another type. */
export const stringClaim = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;
