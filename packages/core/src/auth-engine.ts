import { hkdfSync } from 'node:crypto';
import { AuthError } from './errors/auth-error.js';
import { toPublicUser, type PublicUser } from './accounts/public-user.js';
import {
  EmailTakenError,
  UserRepository,
  type UserRow,
  type UserStatus,
} from './accounts/user-repository.js';
import { DEFAULT_TENANT } from './tenants/ensure-tenants.js';
import { normalizeEmail } from './accounts/email.js';
import { AuditDispatcher, logAuditSink, type AuditEvent, type AuditSink } from './audit/index.js';
import type { RequestContext } from './context/request-context.js';
import type { Gatehouse } from './gatehouse.js';
import { FixedWindowLimiter } from './limits/fixed-window.js';
import { LoginThrottle } from './limits/login-throttle.js';
import { PasswordHasher, createBreachChecker } from './password/index.js';
import { SessionService } from './sessions/session-service.js';
import { createAccessValidator, type AccessValidator } from './sessions/validate-access.js';
import type { Session } from './sessions/types.js';
import type { AuthEngineParts } from './signin/engine-parts.js';
import { loginWithPassword, type PasswordLoginInput } from './signin/login-with-password.js';
import { register, type RegisterInput, type RegisterResult } from './signin/register.js';
import {
  logout,
  logoutAll,
  refreshTokens,
  revokeRefreshToken,
  type SessionFlowParts,
} from './signin/session-flows.js';
import type { Outcome, TokenPair } from './signin/types.js';
import { TenantDirectory } from './tenants/tenant-directory.js';
import { AccessTokenIssuer } from './tokens/access-token-issuer.js';
import { AccessTokenVerifier } from './tokens/access-token-verifier.js';
import type { AccessTokenClaims } from './tokens/claims.js';

export interface AuthEngineOptions {
  /** Where audit events go (default: one JSON line each through `log`). */
  auditSink?: AuditSink;
  /** Used by the default audit sink and for dropped-event warnings. */
  log?: (event: AuditEvent) => void;
}

/**
 * The engine's flows over an opened Gatehouse: register, login, refresh, logout,
 * validation, and the admin changes that invalidate sessions. A library user calls
 * these directly; the server maps them to HTTP.
 */
export class AuthEngine {
  readonly audit: AuditDispatcher;
  readonly users: UserRepository;
  readonly sessions: SessionService;
  readonly validator: AccessValidator;
  readonly tenants: TenantDirectory;
  readonly throttle: LoginThrottle;
  readonly hasher: PasswordHasher;
  private readonly parts: AuthEngineParts;
  private readonly flows: SessionFlowParts;

  constructor(
    readonly gatehouse: Gatehouse,
    options: AuthEngineOptions = {},
  ) {
    const { config, clock, stateStore, database, keyring, masterSecret } = gatehouse;
    const log =
      options.log ?? ((event: AuditEvent) => process.stdout.write(`${JSON.stringify({ audit: event })}\n`));
    this.audit = new AuditDispatcher({ sink: options.auditSink ?? logAuditSink(log), clock });
    this.users = new UserRepository(database.db);
    this.tenants = new TenantDirectory(database.db);
    this.hasher = new PasswordHasher(config.passwords.argon2, { maxLength: config.passwords.maxLength });
    const throttleKey = Buffer.from(
      hkdfSync('sha256', masterSecret.key, Buffer.alloc(0), 'gatehouse:throttle', 32),
    );
    this.throttle = new LoginThrottle(stateStore, config.rateLimits, throttleKey);
    this.sessions = new SessionService({ store: stateStore, config, audit: this.audit, clock });
    const issuer = new AccessTokenIssuer({ keyring, config, clock });
    this.validator = createAccessValidator({
      verifier: new AccessTokenVerifier({ keyring, config, clock }),
      sessions: this.sessions,
      config,
      clock,
    });
    const { register: registerLimits, refresh: refreshLimits } = config.rateLimits;
    this.parts = {
      config,
      clock,
      audit: this.audit,
      users: this.users,
      hasher: this.hasher,
      breachChecker: config.passwords.breachCheck.enabled
        ? createBreachChecker(config.passwords.breachCheck)
        : undefined,
      throttle: this.throttle,
      registerLimiter: new FixedWindowLimiter(
        stateStore,
        limitOf(config.rateLimits.enabled, registerLimits.perIp),
        registerLimits.windowSeconds,
      ),
      issuer,
      sessions: this.sessions,
    };
    this.flows = {
      sessions: this.sessions,
      issuer,
      audit: this.audit,
      refreshLimiter: new FixedWindowLimiter(
        stateStore,
        limitOf(config.rateLimits.enabled, refreshLimits.perSession),
        refreshLimits.windowSeconds,
      ),
      // Sessions made by this engine carry the user; others (embedders) cost one lookup.
      userOf: async (session: Session) => {
        if (session.user) return session.user;
        const user = await this.users.findById(session.tenant, session.userId);
        if (!user) throw new AuthError('invalid_refresh_token', 'The account no longer exists');
        return toPublicUser(user);
      },
    };
  }

  /** Loads what must be in memory before serving (known tenants, the dummy password hash). */
  async start(): Promise<void> {
    await Promise.all([this.tenants.refresh(), this.hasher.warmUp()]);
    await this.ensureBootstrapAdmin();
    // Tenants created by another instance or the CLI appear within 30 s.
    this.tenantRefresh = setInterval(() => {
      this.tenants.refresh().catch(() => undefined);
    }, 30_000);
    this.tenantRefresh.unref();
  }

  private tenantRefresh: NodeJS.Timeout | undefined;

  /**
   * GATEHOUSE_BOOTSTRAP_ADMIN_*: the first system admin (default tenant), created once —
   * an existing account with that email is left as it is (never re-promoted or reset).
   */
  private async ensureBootstrapAdmin(): Promise<void> {
    const admin = this.gatehouse.config.bootstrapAdmin;
    if (!admin || (await this.users.findByEmail(DEFAULT_TENANT, admin.email))) return;
    try {
      const user = await this.users.create({
        tenant: DEFAULT_TENANT,
        email: admin.email,
        emailVerified: true,
        roles: ['user', 'admin'],
        passwordHash: await this.hasher.hash(admin.password),
      });
      this.audit.emit({ type: 'user.bootstrap_admin_created', tenant: DEFAULT_TENANT, userId: user.id });
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error; // another instance made it first
    }
  }

  register(input: RegisterInput, ctx: RequestContext): Promise<RegisterResult> {
    return register(this.parts, input, ctx);
  }

  login(input: PasswordLoginInput, ctx: RequestContext): Promise<Outcome<{ tokens: TokenPair }>> {
    return loginWithPassword(this.parts, input, ctx);
  }

  refresh(refreshToken: string, ctx: RequestContext): Promise<Outcome<{ tokens: TokenPair }>> {
    return refreshTokens(this.flows, refreshToken, ctx);
  }

  revoke(refreshToken: string, ctx: RequestContext): Promise<void> {
    return revokeRefreshToken(this.flows, refreshToken, ctx);
  }

  logout(claims: AccessTokenClaims, ctx: RequestContext): Promise<void> {
    return logout(this.flows, claims, ctx);
  }

  logoutAll(claims: AccessTokenClaims, ctx: RequestContext): Promise<number> {
    return logoutAll(this.flows, claims, ctx);
  }

  async findUser(tenant: string, userId: string): Promise<PublicUser | undefined> {
    const user = await this.users.findById(tenant, userId);
    return user && toPublicUser(user);
  }

  /** Replaces roles, bumps rv and ends the user's sessions (their tokens carry the old roles). */
  async setRoles(
    tenant: string,
    userId: string,
    roles: string[],
    ctx: RequestContext,
  ): Promise<UserRow | undefined> {
    const user = await this.users.setRoles(tenant, userId, roles);
    if (!user) return undefined;
    await this.sessions.revokeUserSessions(tenant, userId);
    this.audit.emit({
      type: 'user.roles_changed',
      tenant,
      userId,
      requestId: ctx.requestId,
      ip: ctx.ip,
      data: { roles: roles.join(' ') },
    });
    return user;
  }

  /** Disables or enables an account, bumps av; disabling ends every session. */
  async setStatus(
    tenant: string,
    userId: string,
    status: UserStatus,
    ctx: RequestContext,
  ): Promise<UserRow | undefined> {
    const user = await this.users.setStatus(tenant, userId, status);
    if (!user) return undefined;
    if (status === 'disabled') await this.sessions.revokeUserSessions(tenant, userId);
    this.audit.emit({
      type: `user.${status === 'disabled' ? 'disabled' : 'enabled'}`,
      tenant,
      userId,
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
    return user;
  }

  async unlock(tenant: string, user: UserRow, ctx: RequestContext): Promise<void> {
    await this.throttle.unlock(tenant, normalizeEmail(user.email));
    this.audit.emit({ type: 'user.unlocked', tenant, userId: user.id, requestId: ctx.requestId, ip: ctx.ip });
  }

  async close(): Promise<void> {
    clearInterval(this.tenantRefresh);
    await this.audit.flush();
  }
}

/** With rate limits off, a limiter that never refuses (the config linter warns about it). */
const limitOf = (enabled: boolean, limit: number) => (enabled ? limit : Number.MAX_SAFE_INTEGER);
