import type { GatehouseConfig } from '../config/index.js';
import type { RequestContext } from '../context/request-context.js';
import type { GatehouseDb } from '../database/types.js';
import { AuthError } from '../errors/auth-error.js';
import { clientNetworks, type ClientNetworkOf } from '../limits/client-network.js';
import { FixedWindowLimiter } from '../limits/fixed-window.js';
import type { AuthEngineParts } from '../signin/engine-parts.js';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import type { Clock } from '../util/clock.js';
import { ExchangeCodes } from './exchange-codes.js';
import { LoginAttempts } from './login-attempts.js';
import { OAuthAccountRepository } from './oauth-account-repository.js';
import { createProvider } from './providers/create-provider.js';
import type { OAuthProvider } from './providers/types.js';

/** Where the OAuth routes live; the callback URL registered at each provider derives from it. */
export const OAUTH_PATH = '/api/v1/oauth';

/** The exact redirect URI registered at the provider: `<publicUrl>/api/v1/oauth/<id>/callback`. */
export const oauthCallbackUrl = (publicUrl: string, providerId: string): string =>
  `${publicUrl}${OAUTH_PATH}/${providerId}/callback`;

/** What the OAuth flows use besides the common engine parts. */
export interface OAuthParts {
  /** The configured providers by id. */
  providers: ReadonlyMap<string, OAuthProvider>;
  attempts: LoginAttempts;
  exchangeCodes: ExchangeCodes;
  accounts: OAuthAccountRepository;
  /** `rateLimits.oauth` per IP, counted separately for authorize, callback and exchange. */
  limiter: FixedWindowLimiter;
  /** The limiter's key for a client IP: its network (an IPv6 /64 is one client). */
  networkOf: ClientNetworkOf;
}

/**
 * The caller of a step whose credential names its own tenant (the callback's `state`, an
 * exchange code): API.md "OAuth state carries its tenant". A browser coming back from a
 * provider sends no x-tenant-id.
 */
export interface CallerContext extends Omit<RequestContext, 'tenant'> {
  /** x-tenant-id when tenancy is on; it must then name the credential's tenant. */
  namedTenant?: string | undefined;
}

/** The request context under the credential's tenant, or null when x-tenant-id names another. */
export function contextIn(caller: CallerContext, tenant: string): RequestContext | null {
  if (caller.namedTenant !== undefined && caller.namedTenant !== tenant) return null;
  const { namedTenant: _named, ...rest } = caller;
  return { ...rest, tenant };
}

export interface OAuthPartsInput {
  config: GatehouseConfig;
  clock: Clock;
  store: StateStore;
  db: GatehouseDb;
}

export function createOAuthParts({ config, clock, store, db }: OAuthPartsInput): OAuthParts {
  const { oauth, rateLimits, environment } = config;
  const options = { clock: () => clock.now(), allowHttp: environment !== 'production' };
  const providers = new Map(
    Object.entries(oauth.providers).map(([id, settings]) => [id, createProvider(id, settings, options)]),
  );
  const limit = rateLimits.enabled ? rateLimits.oauth.perIp : Number.MAX_SAFE_INTEGER;
  return {
    providers,
    attempts: new LoginAttempts(store, oauth.stateTtlSeconds),
    exchangeCodes: new ExchangeCodes(store, oauth.exchangeCodeTtlSeconds),
    accounts: new OAuthAccountRepository(db),
    limiter: new FixedWindowLimiter(store, limit, rateLimits.oauth.windowSeconds),
    networkOf: clientNetworks(rateLimits.ipv6Prefix),
  };
}

/** The engine always wires OAuth; parts assembled elsewhere (embedders) may lack it. */
export function oauthOf(parts: AuthEngineParts): OAuthParts {
  if (!parts.oauth) throw new AuthError('internal_error', 'OAuth is not wired into the engine parts');
  return parts.oauth;
}

/** Counts one OAuth step of this IP (authorize, callback, exchange) against `rateLimits.oauth`. */
export function hitOAuthLimit(oauth: OAuthParts, step: 'authorize' | 'callback' | 'exchange', ip: string) {
  return oauth.limiter.hit(stateKeys.global('oauth', step, 'ip', oauth.networkOf(ip)));
}
