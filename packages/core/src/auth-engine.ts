import { hkdfSync } from 'node:crypto';
import { AuthError } from './errors/auth-error.js';
import { toPublicUser, type PublicUser } from './accounts/public-user.js';
import { EmailTakenError, UserRepository, type UserRow } from './accounts/user-repository.js';
import { UserDirectory, type UserListQuery, type UserPage } from './accounts/user-directory.js';
import {
  changeAccountStatus,
  findLiveUser,
  revokeAllSessions,
  viewUser,
  type AccountStatusParts,
  type AdminUserView,
} from './accounts/account-status.js';
import { DEFAULT_TENANT } from './tenants/ensure-tenants.js';
import { AuditDispatcher, logAuditSink, type AuditEvent, type AuditSink } from './audit/index.js';
import type { RequestContext } from './context/request-context.js';
import type { Gatehouse } from './gatehouse.js';
import { clientNetworks } from './limits/client-network.js';
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
import type { Outcome, SignInResult, TokenPair } from './signin/types.js';
import { TenantDirectory } from './tenants/tenant-directory.js';
import { Deliverer } from './delivery/deliverer.js';
import { OutboxStore } from './delivery/outbox.js';
import type { Mailer, SmsSender } from './delivery/types.js';
import { PermanentJobError, isPermanentJobError, type Job } from './jobs/types.js';
import { isAccountJob, runAccountJob } from './lifecycle/account-jobs.js';
import { changePassword, type ChangePasswordInput, type SignedIn } from './lifecycle/change-password.js';
import { deleteAccount } from './lifecycle/delete-account.js';
import {
  requestVerificationEmail,
  verifyEmail,
  type VerifyEmailInput,
} from './lifecycle/email-verification.js';
import { requestPasswordReset, resetPassword, type ResetPasswordInput } from './lifecycle/password-reset.js';
import { profileOf, updateProfile, type Profile, type ProfileUpdate } from './lifecycle/profile.js';
import { RequestLimits } from './lifecycle/request-limits.js';
import { confirmEmailChange, requestEmailChange } from './lifecycle/email-change.js';
import { requestMagicLink, verifyMagicLink, type MagicLinkRequest } from './passwordless/magic-link.js';
import type { CodeInput } from './lifecycle/submission.js';
import { OneTimeSecrets } from './one-time/one-time-secrets.js';
import { PendingSignups } from './signin/pending-signups.js';
import { sendResetSmsCode } from './mfa/sms/send-reset-code.js';
import { SecretBox } from './crypto/secret-box.js';
import { FactorRepository, type FactorMethod } from './mfa/factor-repository.js';
import { MfaChallenges } from './mfa/mfa-challenges.js';
import {
  confirmTotp,
  disableFactor,
  regenerateBackupCodes,
  resetFactors,
  setupTotp,
  type TotpSetup,
} from './mfa/manage-factors.js';
import type { FactorProof } from './mfa/verify-factor.js';
import { SmsFactor, confirmSms, sendAccountCode, sendChallengeCode, setupSms } from './mfa/sms/index.js';
import { isRecentSignIn, stepUp, type StepUpRequest } from './signin/step-up.js';
import { verifyMfa, type MfaVerifyInput } from './signin/verify-mfa.js';
import { forSignedInCaller } from './signin/signed-in-failure.js';
import { CeremonyChallenges } from './webauthn/ceremony-challenges.js';
import { listPasskeys, removePasskey, type PasskeyView } from './webauthn/manage-passkeys.js';
import { passkeyFactorOptions } from './webauthn/passkey-factor.js';
import { PasskeyRepository } from './webauthn/passkey-repository.js';
import { passkeySignInOptions, signInWithPasskey } from './webauthn/passkey-sign-in.js';
import { stepUpWithPasskey, type PasskeyStepUpInput } from './webauthn/passkey-step-up.js';
import {
  passkeyRegistrationOptions,
  registerPasskey,
  type RegisterPasskeyInput,
} from './webauthn/register-passkey.js';
import type { AssertionJSON } from './webauthn/relying-party.js';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { createOAuthParts } from './oauth/oauth-parts.js';
import { OAuthFlows } from './oauth/oauth-flows.js';
import { AccessTokenIssuer } from './tokens/access-token-issuer.js';
import { AccessTokenVerifier } from './tokens/access-token-verifier.js';
import type { AccessTokenClaims } from './tokens/claims.js';

export interface AuthEngineOptions {
  /** Where audit events go (default: one JSON line each through `log`). */
  auditSink?: AuditSink;
  /** Used by the default audit sink and for dropped-event warnings. */
  log?: (event: AuditEvent) => void;
  /** Email transport (default: the outbox in the database, for development). */
  mailer?: Mailer;
  /** SMS transport (default: the outbox; none when `sms.transport` is 'none'). */
  sms?: SmsSender | undefined;
  /**
   * Run background jobs (sending mail) in this process once started (default true). A CLI
   * that only writes records turns it off; the jobs wait for a server.
   */
  processJobs?: boolean;
}

/**
 * The engine's flows over an opened Gatehouse: register, login, refresh, logout,
 * validation, and the admin changes that invalidate sessions. A library user calls
 * these directly; the server maps them to HTTP.
 */
export class AuthEngine {
  readonly audit: AuditDispatcher;
  readonly users: UserRepository;
  readonly directory: UserDirectory;
  readonly sessions: SessionService;
  readonly validator: AccessValidator;
  readonly tenants: TenantDirectory;
  readonly throttle: LoginThrottle;
  readonly hasher: PasswordHasher;
  readonly factors: FactorRepository;
  /** The outbox transport's store, when the engine made it (development): GET /dev/outbox. */
  readonly outbox: OutboxStore | undefined;
  /** OAuth / OpenID Connect sign-in, linking and unlinking (API.md "OAuth / social login"). */
  readonly oauth: OAuthFlows;
  private readonly parts: AuthEngineParts;
  private readonly flows: SessionFlowParts;
  private readonly processJobs: boolean;
  private readonly statusParts: AccountStatusParts;

  constructor(
    readonly gatehouse: Gatehouse,
    options: AuthEngineOptions = {},
  ) {
    const { config, clock, stateStore, database, keyring, masterSecret } = gatehouse;
    const log =
      options.log ?? ((event: AuditEvent) => process.stdout.write(`${JSON.stringify({ audit: event })}\n`));
    this.audit = new AuditDispatcher({ sink: options.auditSink ?? logAuditSink(log), clock });
    this.users = new UserRepository(database.db);
    this.factors = new FactorRepository(database.db);
    this.directory = new UserDirectory(database.db);
    this.tenants = new TenantDirectory(database.db);
    this.hasher = new PasswordHasher(config.passwords.argon2, { maxLength: config.passwords.maxLength });
    const throttleKey = Buffer.from(
      hkdfSync('sha256', masterSecret.key, Buffer.alloc(0), 'gatehouse:throttle', 32),
    );
    this.throttle = new LoginThrottle(stateStore, config.rateLimits, throttleKey);
    this.sessions = new SessionService({ store: stateStore, config, audit: this.audit, clock });
    this.statusParts = {
      db: database.db,
      sessions: this.sessions,
      throttle: this.throttle,
      audit: this.audit,
    };
    const issuer = new AccessTokenIssuer({ keyring, config, clock });
    this.validator = createAccessValidator({
      verifier: new AccessTokenVerifier({ keyring, config, clock }),
      sessions: this.sessions,
      config,
      clock,
    });
    const { register: registerLimits, refresh: refreshLimits } = config.rateLimits;
    const derivedKey = (purpose: string) =>
      Buffer.from(hkdfSync('sha256', masterSecret.key, Buffer.alloc(0), `gatehouse:${purpose}`, 32));
    this.outbox = options.mailer ? undefined : new OutboxStore(database);
    const mailer = options.mailer ?? this.outbox!.mailer;
    const sms = 'sms' in options ? options.sms : smsDefault(config, this.outbox);
    this.processJobs = options.processJobs ?? true;
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
      jobs: gatehouse.jobs,
      secrets: new OneTimeSecrets(stateStore, derivedKey('one-time-secrets')),
      // A sign-up's password lives as long as a verification of it can still arrive.
      signups: new PendingSignups(stateStore, derivedKey('pending-signups'), () => {
        const { linkTtlSeconds, codeTtlSeconds } = config.accounts.verification;
        return Math.max(linkTtlSeconds, codeTtlSeconds);
      }),
      limits: new RequestLimits(stateStore, config.rateLimits, derivedKey('request-limits')),
      deliver: new Deliverer(mailer, sms, { productName: config.mail.productName }),
      mfa: {
        factors: this.factors,
        challenges: new MfaChallenges(stateStore, config.mfa.challengeTtlSeconds),
        totpBox: new SecretBox(masterSecret.key, 'totp'),
        store: stateStore,
      },
      passkeys: {
        repository: new PasskeyRepository(database.db),
        ceremonies: new CeremonyChallenges(stateStore, config.webauthn.challengeTtlSeconds),
        decoyKey: derivedKey('webauthn-decoys'),
      },
      // SMS codes: only with an SMS transport (sms.transport 'none' → SMS flows answer 403).
      smsCodes: sms
        ? new SmsFactor({
            db: database.db,
            store: stateStore,
            macKey: derivedKey('sms-codes'),
            phoneBox: new SecretBox(masterSecret.key, 'sms-phone'),
            config,
          })
        : undefined,
      // OAuth / OpenID Connect: configured providers, login attempts, exchange codes, identities.
      oauth: createOAuthParts({ config, clock, store: stateStore, db: database.db }),
    };
    this.oauth = new OAuthFlows(this.parts);
    this.flows = {
      sessions: this.sessions,
      issuer,
      audit: this.audit,
      refreshLimiter: new FixedWindowLimiter(
        stateStore,
        limitOf(config.rateLimits.enabled, refreshLimits.perSession),
        refreshLimits.windowSeconds,
      ),
      networkOf: clientNetworks(config.rateLimits.ipv6Prefix),
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
    if (this.processJobs) this.gatehouse.jobs.start((job) => this.runJobAudited(job));
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

  login(input: PasswordLoginInput, ctx: RequestContext): Promise<SignInResult> {
    return loginWithPassword(this.parts, input, ctx);
  }

  // Second factors (API.md "MFA, passkeys", "Step-up")

  // Flows of a signed-in caller answer wrong secrets with 400 codes, never 401 ("token dead"):
  // each goes through `forSignedInCaller`.

  /** Finishes a login challenge; a step-up challenge only with `who`, the session it renews. */
  verifyMfa(
    input: MfaVerifyInput,
    ctx: RequestContext,
    who?: SignedIn,
  ): Promise<Outcome<{ tokens: TokenPair }>> {
    return verifyMfa(this.parts, input, ctx, who);
  }

  /** Tokens for the same session, or a step-up challenge when a second factor is due. */
  stepUp(who: SignedIn, input: StepUpRequest, ctx: RequestContext): Promise<SignInResult> {
    return stepUp(this.parts, who, input, ctx).then(forSignedInCaller);
  }

  /** Whether an access token's sign-in is recent enough for a factor or identity change. */
  isRecentSignIn(claims: AccessTokenClaims): boolean {
    return isRecentSignIn(
      claims.auth_time,
      this.gatehouse.clock.now(),
      this.gatehouse.config.mfa.stepUpMaxAgeSeconds,
    );
  }

  setupTotp(who: SignedIn, ctx: RequestContext): Promise<Outcome<TotpSetup>> {
    return setupTotp(this.parts, who, ctx);
  }

  confirmTotp(who: SignedIn, code: string, ctx: RequestContext): Promise<Outcome<{ backupCodes: string[] }>> {
    return confirmTotp(this.parts, who, code, ctx).then(forSignedInCaller);
  }

  disableFactor(who: SignedIn, proof: FactorProof, ctx: RequestContext): Promise<Outcome<object>> {
    return disableFactor(this.parts, who, proof, ctx).then(forSignedInCaller);
  }

  regenerateBackupCodes(
    who: SignedIn,
    code: string,
    ctx: RequestContext,
  ): Promise<Outcome<{ backupCodes: string[] }>> {
    return regenerateBackupCodes(this.parts, who, code, ctx).then(forSignedInCaller);
  }

  /** Admin: removes every second factor of a user (audited, sessions ended, user told). */
  resetFactors(tenant: string, userId: string, ctx: RequestContext): Promise<boolean> {
    return resetFactors(this.parts, tenant, userId, ctx);
  }

  /** The second factors a user has enrolled (API.md `methods`). */
  enrolledMethods(userId: string): Promise<FactorMethod[]> {
    return this.factors.enrolledMethods(userId);
  }

  /** A sign-in SMS code for a password reset, authorised by the reset link or code. */
  sendResetSmsCode(input: CodeInput, ctx: RequestContext): Promise<Outcome<object>> {
    return sendResetSmsCode(this.parts, input, ctx);
  }

  // SMS codes (API.md: /auth/mfa/sms/setup + confirm, `sms` in /auth/mfa/challenge). Each
  // answers 403 `forbidden` (reason `sms_unavailable`) when no SMS transport is configured.

  /** Step-up checked by the caller: a pending number and a code sent to it; `phone` is masked. */
  setupSms(who: SignedIn, phone: string, ctx: RequestContext): Promise<Outcome<{ phone: string }>> {
    return setupSms(this.parts, who, phone, ctx);
  }

  /** Step-up checked by the caller: the factor on; backup codes when it is the first factor. */
  confirmSms(who: SignedIn, code: string, ctx: RequestContext): Promise<Outcome<{ backupCodes: string[] }>> {
    return confirmSms(this.parts, who, code, ctx).then(forSignedInCaller);
  }

  /** A sign-in code for a login challenge that offers 'sms'. */
  sendSmsChallengeCode(challengeId: string, ctx: RequestContext): Promise<Outcome<{ phone: string }>> {
    return sendChallengeCode(this.parts, challengeId, ctx);
  }

  /** A sign-in code for a signed-in user (for step-up and disabling the factor). */
  sendSmsCode(who: SignedIn, ctx: RequestContext): Promise<Outcome<{ phone: string }>> {
    return sendAccountCode(this.parts, who, ctx);
  }

  // Passkeys (WebAuthn) — API.md "MFA, passkeys", "Sign-in policy", "Step-up"

  /** Step-up checked by the caller: creation options for a new passkey of the signed-in user. */
  passkeyRegistrationOptions(
    who: SignedIn,
    ctx: RequestContext,
  ): Promise<Outcome<{ options: PublicKeyCredentialCreationOptionsJSON }>> {
    return passkeyRegistrationOptions(this.parts, who, ctx);
  }

  /** Step-up checked by the caller: stores the passkey (409 `conflict` when its id exists). */
  registerPasskey(
    who: SignedIn,
    input: RegisterPasskeyInput,
    ctx: RequestContext,
  ): Promise<Outcome<{ passkey: PasskeyView }>> {
    return registerPasskey(this.parts, who, input, ctx).then(forSignedInCaller);
  }

  /** Request options: an email's passkeys (decoys for an address without any), or none (discoverable). */
  passkeySignInOptions(
    input: { email?: string | undefined },
    ctx: RequestContext,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return passkeySignInOptions(this.parts, input, ctx);
  }

  /** A passkey as the first factor: tokens, or an MFA challenge (no user verification + another factor). */
  signInWithPasskey(assertion: AssertionJSON, ctx: RequestContext): Promise<SignInResult> {
    return signInWithPasskey(this.parts, assertion, ctx);
  }

  /** Request options for a login challenge that offers 'webauthn' as the second factor. */
  passkeyFactorOptions(
    challengeId: string,
    ctx: RequestContext,
  ): Promise<Outcome<{ options: PublicKeyCredentialRequestOptionsJSON }>> {
    return passkeyFactorOptions(this.parts, challengeId, ctx);
  }

  /** Step-up with a passkey: tokens, or a challenge for another factor (no UV, no password). */
  stepUpWithPasskey(who: SignedIn, input: PasskeyStepUpInput, ctx: RequestContext): Promise<SignInResult> {
    return stepUpWithPasskey(this.parts, who, input, ctx).then(forSignedInCaller);
  }

  listPasskeys(who: SignedIn, ctx: RequestContext): Promise<PasskeyView[]> {
    return listPasskeys(this.parts, who, ctx);
  }

  /** Step-up checked by the caller: 404 for another user's passkey. */
  removePasskey(who: SignedIn, id: string, ctx: RequestContext): Promise<Outcome<object>> {
    return removePasskey(this.parts, who, id, ctx);
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
    return user && toPublicUser(user, (await this.factors.enrolledMethods(user.id)).length > 0);
  }

  /** Replaces roles, bumps rv and ends the user's sessions (their tokens carry the old roles). */
  async setRoles(
    tenant: string,
    userId: string,
    roles: string[],
    ctx: RequestContext,
  ): Promise<UserRow | undefined> {
    // A deleted account is gone for admins (404), even though its row stays.
    if (!(await findLiveUser(this.gatehouse.database.db, tenant, userId))) return undefined;
    const user = await this.users.setRoles(tenant, userId, roles);
    if (!user) return undefined;
    await this.sessions.revokeUserSessions(tenant, userId, { reason: 'admin', ctx });
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

  // Account status (admin): each returns undefined for an unknown, other-tenant or deleted
  // account; a status change bumps av, ends every session of the user and is audited.

  /** One tenant's live accounts, newest first; throws validation_error for a bad cursor or limit. */
  listUsers(tenant: string, query: UserListQuery = {}): Promise<UserPage> {
    return this.directory.list(tenant, query);
  }

  /** The account and whether the login throttle has locked it out. */
  getUser(tenant: string, userId: string): Promise<AdminUserView | undefined> {
    return viewUser(this.statusParts, tenant, userId);
  }

  /** An admin's lock ('locked' until unlocked): sign-in answers account_locked. */
  lockUser(tenant: string, userId: string, ctx: RequestContext): Promise<UserRow | undefined> {
    return changeAccountStatus(this.statusParts, tenant, userId, 'lock', ctx);
  }

  /** Lifts an admin's lock (locked → active) and the login throttle's lockout. */
  unlockUser(tenant: string, userId: string, ctx: RequestContext): Promise<UserRow | undefined> {
    return changeAccountStatus(this.statusParts, tenant, userId, 'unlock', ctx);
  }

  disableUser(tenant: string, userId: string, ctx: RequestContext): Promise<UserRow | undefined> {
    return changeAccountStatus(this.statusParts, tenant, userId, 'disable', ctx);
  }

  /** Lifts a disable (disabled → active). */
  enableUser(tenant: string, userId: string, ctx: RequestContext): Promise<UserRow | undefined> {
    return changeAccountStatus(this.statusParts, tenant, userId, 'enable', ctx);
  }

  /** Ends every session of the user; resolves to how many were live. */
  revokeUserSessions(tenant: string, userId: string, ctx: RequestContext): Promise<number | undefined> {
    return revokeAllSessions(this.statusParts, tenant, userId, ctx);
  }

  /**
   * A failed attempt is audited (`job.failed`: name, attempt, the transport's sanitised
   * message), so a wrong SMTP_URL shows in logs and in gatehouse_auth_events_total.
   */
  private async runJobAudited(job: Job): Promise<void> {
    try {
      await this.runJob(job);
    } catch (error) {
      this.audit.emit({
        type: 'job.failed',
        tenant: typeof job.payload.tenant === 'string' ? job.payload.tenant : DEFAULT_TENANT,
        // The reason is a metric label: a stable word, never the (free-text) message.
        reason: isPermanentJobError(error) ? 'permanent' : 'will_retry',
        data: {
          job: job.name,
          attempt: job.attempt,
          message: error instanceof Error ? error.message.slice(0, 300) : 'unknown error',
        },
      });
      throw error;
    }
  }

  /** The engine's background jobs; an embedding app may wrap this to add its own names. */
  runJob(job: Job): Promise<void> {
    if (isAccountJob(job.name)) return runAccountJob(this.parts, job);
    return Promise.reject(new PermanentJobError(`No handler for job ${job.name}`));
  }

  // Account lifecycle (API.md: verify-email, password forgot/reset/change, profile, deletion)

  requestVerificationEmail(email: string, ctx: RequestContext): Promise<Outcome<object>> {
    return requestVerificationEmail(this.parts, email, ctx);
  }

  verifyEmail(input: VerifyEmailInput, ctx: RequestContext): Promise<Outcome<{ user: PublicUser }>> {
    return verifyEmail(this.parts, input, ctx);
  }

  requestPasswordReset(email: string, ctx: RequestContext): Promise<Outcome<object>> {
    return requestPasswordReset(this.parts, email, ctx);
  }

  resetPassword(input: ResetPasswordInput, ctx: RequestContext): Promise<Outcome<object>> {
    return resetPassword(this.parts, input, ctx);
  }

  changePassword(who: SignedIn, input: ChangePasswordInput, ctx: RequestContext): Promise<Outcome<object>> {
    return changePassword(this.parts, who, input, ctx).then(forSignedInCaller);
  }

  deleteAccount(who: SignedIn, password: string | undefined, ctx: RequestContext): Promise<Outcome<object>> {
    return deleteAccount(this.parts, who, password, ctx).then(forSignedInCaller);
  }

  async getProfile(tenant: string, userId: string): Promise<Profile | undefined> {
    const user = await this.users.findById(tenant, userId);
    return user && user.status !== 'deleted' ? profileOf(user) : undefined;
  }

  updateProfile(tenant: string, userId: string, update: ProfileUpdate): Promise<Profile | undefined> {
    return updateProfile(this.users, tenant, userId, update);
  }

  // Magic links and email change (API.md: /auth/magic-link*, /users/email/change + confirm)

  /** Always ok for any address (the worker decides whether a link is sent). */
  requestMagicLink(input: MagicLinkRequest, ctx: RequestContext): Promise<Outcome<object>> {
    return requestMagicLink(this.parts, input, ctx);
  }

  /** Consumes the link: tokens, or an MFA challenge when the account has a second factor. */
  verifyMagicLink(token: string, ctx: RequestContext): Promise<SignInResult> {
    return verifyMagicLink(this.parts, token, ctx);
  }

  /** Always ok for a usable address, taken or not (the worker sends a code or a notice). */
  requestEmailChange(who: SignedIn, newEmail: string, ctx: RequestContext): Promise<Outcome<object>> {
    return requestEmailChange(this.parts, who, newEmail, ctx);
  }

  confirmEmailChange(
    who: SignedIn,
    code: string,
    ctx: RequestContext,
  ): Promise<Outcome<{ user: PublicUser }>> {
    return confirmEmailChange({ ...this.parts, db: this.gatehouse.database.db }, who, code, ctx).then(
      forSignedInCaller,
    );
  }

  async close(): Promise<void> {
    clearInterval(this.tenantRefresh);
    await this.gatehouse.jobs.stop();
    await this.audit.flush();
  }
}

function smsDefault(config: Gatehouse['config'], outbox: OutboxStore | undefined): SmsSender | undefined {
  return config.sms.transport === 'outbox' ? outbox?.sms : undefined;
}

/** With rate limits off, a limiter that never refuses (the config linter warns about it). */
const limitOf = (enabled: boolean, limit: number) => (enabled ? limit : Number.MAX_SAFE_INTEGER);
