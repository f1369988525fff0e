import type { GatehouseConfig } from '../config/index.js';
import type { GatehouseDb } from '../database/types.js';
import type { EngineLinks } from '../kernel/links.js';
import { clientNetworks, type ClientNetworkOf } from '../limits/client-network.js';
import { FixedWindowLimiter } from '../limits/fixed-window.js';
import { limitOf } from '../limits/limit-of.js';
import type { ClaimParts } from '../accounts/claim-account.js';
import type { SignInParts } from '../signin/index.js';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import type { Clock } from '../util/clock.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import { ExchangeCodes } from './exchange-codes.js';
import { LoginAttempts } from './login-attempts.js';
import { OAuthAccountRepository } from './oauth-account-repository.js';
import { createProvider } from './providers/create-provider.js';
import type { OAuthProvider } from './providers/types.js';

/** The OAuth stores and settings: providers, login attempts, exchange codes, identities. */
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

/** What the OAuth flows use: sign-in's parts, account claiming, the OAuth stores, the links. */
export type OAuthFlowParts = SignInParts &
  ClaimParts & {
    oauth: OAuthParts;
    links?: EngineLinks | undefined;
    /** Whether a user still has a passkey to sign in with (when the engine wires passkeys). */
    passkeys?:
      { repository: { listForUser(tenant: string, userId: string): Promise<unknown[]> } } | undefined;
  };

export interface OAuthPartsInput {
  config: GatehouseConfig;
  clock: Clock;
  random?: RandomSource;
  store: StateStore;
  db: GatehouseDb;
}

export function createOAuthParts({
  config,
  clock,
  random = systemRandom,
  store,
  db,
}: OAuthPartsInput): OAuthParts {
  const { oauth, rateLimits, environment } = config;
  const options = { clock: () => clock.now(), allowHttp: environment !== 'production' };
  const providers = new Map(
    Object.entries(oauth.providers).map(([id, settings]) => [id, createProvider(id, settings, options)]),
  );
  const limit = limitOf(rateLimits, rateLimits.oauth.perIp);
  return {
    providers,
    attempts: new LoginAttempts(store, oauth.stateTtlSeconds),
    exchangeCodes: new ExchangeCodes(store, oauth.exchangeCodeTtlSeconds, random),
    accounts: new OAuthAccountRepository(db, random),
    limiter: new FixedWindowLimiter(store, limit, rateLimits.oauth.windowSeconds),
    networkOf: clientNetworks(rateLimits.ipv6Prefix),
  };
}

/** Counts one OAuth step of this IP (authorize, callback, exchange) against `rateLimits.oauth`. */
export function hitOAuthLimit(oauth: OAuthParts, step: 'authorize' | 'callback' | 'exchange', ip: string) {
  return oauth.limiter.hit(stateKeys.global('oauth', step, 'ip', oauth.networkOf(ip)));
}
