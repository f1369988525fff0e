import type { ClaimParts } from '../accounts/claim-account.js';
import { PendingSignups } from '../accounts/pending-signups.js';
import { toPublicUser } from '../accounts/public-user.js';
import { UserDirectory } from '../accounts/user-directory.js';
import { UserRepository } from '../accounts/user-repository.js';
import type { AdminParts } from '../admin/index.js';
import type { AuditDispatcher } from '../audit/index.js';
import { deriveKey } from '../crypto/derive-key.js';
import { SecretBox } from '../crypto/secret-box.js';
import type { GatehouseDb } from '../database/types.js';
import { Deliverer } from '../delivery/deliverer.js';
import type { OutboxStore } from '../delivery/outbox.js';
import type { Mailer, SmsSender } from '../delivery/types.js';
import { AuthError } from '../errors/auth-error.js';
import type { Gatehouse } from './gatehouse.js';
import type { EngineLinks } from '../kernel/links.js';
import type { AccountParts } from '../lifecycle/account-parts.js';
import { clientNetworks } from '../limits/client-network.js';
import { FixedWindowLimiter } from '../limits/fixed-window.js';
import { limitOf } from '../limits/limit-of.js';
import { LoginThrottle } from '../limits/login-throttle.js';
import { RequestLimits } from '../limits/request-limits.js';
import { FactorRepository } from '../mfa/factor-repository.js';
import { MfaChallenges } from '../mfa/mfa-challenges.js';
import type { MfaFlowParts } from '../mfa/index.js';
import { SmsFactor } from '../mfa/sms/index.js';
import { createOAuthParts, type OAuthFlowParts } from '../oauth/oauth-parts.js';
import { OneTimeSecrets } from '../one-time/one-time-secrets.js';
import { PasswordHasher, createBreachChecker } from '../password/index.js';
import type { MagicLinkParts } from '../passwordless/magic-link-parts.js';
import type { SessionFlowParts } from '../sessions/session-flows.js';
import { SessionService } from '../sessions/session-service.js';
import { createAccessValidator, type AccessValidator } from '../sessions/validate-access.js';
import type { Session } from '../sessions/types.js';
import type { SignInParts, VerificationMailParts } from '../signin/index.js';
import { TenantDirectory } from '../tenants/tenant-directory.js';
import { AccessTokenIssuer } from '../tokens/access-token-issuer.js';
import { AccessTokenVerifier } from '../tokens/access-token-verifier.js';
import { CeremonyChallenges } from '../webauthn/ceremony-challenges.js';
import { verifyPasskeyFactor } from '../webauthn/passkey-factor.js';
import type { PasskeyFlowParts } from '../webauthn/passkey-parts.js';
import { PasskeyRepository } from '../webauthn/passkey-repository.js';

/**
 * Every part any flow uses: the union of the capabilities' narrow `*Parts` types. Only the
 * engine sees it; each flow names the narrow type of its own capability.
 */
export type AuthEngineParts = SignInParts &
  VerificationMailParts &
  MfaFlowParts &
  PasskeyFlowParts &
  OAuthFlowParts &
  MagicLinkParts &
  AccountParts &
  AdminParts &
  ClaimParts &
  SessionFlowParts & {
    db: GatehouseDb;
    sessions: SessionService;
    validator: AccessValidator;
  };

export interface WireOptions {
  audit: AuditDispatcher;
  mailer: Mailer;
  sms: SmsSender | undefined;
  links: EngineLinks | undefined;
}

/** Builds the engine's parts from an opened Gatehouse: the one place where services are made. */
export function createEngineParts(gatehouse: Gatehouse, options: WireOptions): AuthEngineParts {
  const { config, clock, random, stateStore: store, database, keyring, masterSecret } = gatehouse;
  const db = database.db;
  const derivedKey = (purpose: string) => deriveKey(masterSecret.key, purpose);
  const { audit } = options;
  const users = new UserRepository(db, clock, random);
  const sessions = new SessionService({ store, config, audit, clock, random });
  const { register: registerLimits, refresh: refreshLimits } = config.rateLimits;
  const parts: AuthEngineParts = {
    config,
    clock,
    random,
    audit,
    db,
    users,
    directory: new UserDirectory(db),
    tenants: new TenantDirectory(db),
    keyring,
    hasher: new PasswordHasher(config.passwords.argon2, { maxLength: config.passwords.maxLength }, random),
    breachChecker: config.passwords.breachCheck.enabled
      ? createBreachChecker(config.passwords.breachCheck)
      : undefined,
    throttle: new LoginThrottle(store, config.rateLimits, derivedKey('throttle')),
    registerLimiter: new FixedWindowLimiter(
      store,
      limitOf(config.rateLimits, registerLimits.perIp),
      registerLimits.windowSeconds,
    ),
    refreshLimiter: new FixedWindowLimiter(
      store,
      limitOf(config.rateLimits, refreshLimits.perSession),
      refreshLimits.windowSeconds,
    ),
    networkOf: clientNetworks(config.rateLimits.ipv6Prefix),
    issuer: new AccessTokenIssuer({ keyring, config, clock }),
    sessions,
    validator: createAccessValidator({
      verifier: new AccessTokenVerifier({ keyring, config, clock }),
      sessions,
      config,
      clock,
    }),
    // Sessions made by this engine carry the user; others (embedders) cost one lookup.
    userOf: async (session: Session) => {
      if (session.user) return session.user;
      const user = await users.findById(session.tenant, session.userId);
      if (!user) throw new AuthError('invalid_refresh_token', 'The account no longer exists');
      return toPublicUser(user);
    },
    jobs: gatehouse.jobs,
    secrets: new OneTimeSecrets(store, derivedKey('one-time-secrets'), random),
    // A sign-up's password lives as long as a verification of it can still arrive.
    signups: new PendingSignups(
      store,
      derivedKey('pending-signups'),
      () => {
        const { linkTtlSeconds, codeTtlSeconds } = config.accounts.verification;
        return Math.max(linkTtlSeconds, codeTtlSeconds);
      },
      random,
    ),
    limits: new RequestLimits(store, config.rateLimits, derivedKey('request-limits')),
    deliver: new Deliverer(options.mailer, options.sms, { productName: config.mail.productName }),
    mfa: {
      factors: new FactorRepository(db, clock, random),
      challenges: new MfaChallenges(store, config.mfa.challengeTtlSeconds, random),
      totpBox: new SecretBox(masterSecret.key, 'totp', random),
      store,
    },
    passkeys: {
      repository: new PasskeyRepository(db, random),
      ceremonies: new CeremonyChallenges(store, config.webauthn.challengeTtlSeconds),
      decoyKey: derivedKey('webauthn-decoys'),
    },
    // SMS codes: only with an SMS transport (sms.transport 'none' → SMS flows answer 403).
    smsCodes: options.sms
      ? new SmsFactor({
          db,
          store,
          macKey: derivedKey('sms-codes'),
          phoneBox: new SecretBox(masterSecret.key, 'sms-phone', random),
          config,
          clock,
          random,
        })
      : undefined,
    // OAuth / OpenID Connect: configured providers, login attempts, exchange codes, identities.
    oauth: createOAuthParts({ config, clock, random, store, db }),
    links: options.links,
  };
  // Passkeys as a second factor plug into sign-in here, so sign-in does not import WebAuthn.
  parts.verifyPasskeyFactor = (user, input, ctx) => verifyPasskeyFactor(parts, user, input, ctx);
  return parts;
}

/** The outbox transport's SMS side, when SMS goes to the outbox (development). */
export function smsDefault(
  config: Gatehouse['config'],
  outbox: OutboxStore | undefined,
): SmsSender | undefined {
  return config.sms.transport === 'outbox' ? outbox?.sms : undefined;
}
