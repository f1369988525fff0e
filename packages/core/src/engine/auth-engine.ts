import { AdminFlows } from '../admin/index.js';
import { AuditDispatcher, logAuditSink, type AuditEvent, type AuditSink } from '../audit/index.js';
import { OutboxStore } from '../delivery/outbox.js';
import type { Mailer, SmsSender } from '../delivery/types.js';
import type { Gatehouse } from './gatehouse.js';
import { isPermanentJobError, type Job } from '../jobs/types.js';
import type { EngineLinks } from '../kernel/links.js';
import { DEFAULT_TENANT } from '../kernel/tenant.js';
import { AccountFlows } from '../lifecycle/account-flows.js';
import { MfaFlows } from '../mfa/mfa-flows.js';
import { OAuthFlows } from '../oauth/oauth-flows.js';
import { MagicLinkFlows } from '../passwordless/magic-link-flows.js';
import { SessionFlows } from '../sessions/session-flows.js';
import { SignInFlows } from '../signin/sign-in-flows.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { PasskeyFlows } from '../webauthn/passkey-flows.js';
import { ensureBootstrapAdmin } from './bootstrap-admin.js';
import { runEngineJob } from './jobs.js';
import { createEngineParts, smsDefault, type AuthEngineParts } from './parts.js';

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
  /**
   * The URLs the engine writes into magic-link mails and OAuth redirects; whoever serves
   * HTTP knows them (the server passes its routes). Without them those two flows stop.
   */
  links?: EngineLinks;
}

/**
 * The engine over an opened Gatehouse. It only assembles: each area of the API is a
 * sub-facade owned by its capability folder (`engine.signIn`, `engine.mfa`, ...). A library
 * user calls these directly; the server maps them to HTTP.
 */
export class AuthEngine {
  /** Sign-up, password sign-in, the second-factor challenge, step-up. */
  readonly signIn: SignInFlows;
  /** Magic links (passwordless sign-in by email). */
  readonly magicLinks: MagicLinkFlows;
  /** Refresh, revoke, logout, the session list, access-token validation. */
  readonly sessions: SessionFlows;
  /** TOTP, backup codes, SMS codes. */
  readonly mfa: MfaFlows;
  /** WebAuthn: registration, sign-in, second factor, step-up, management. */
  readonly passkeys: PasskeyFlows;
  /** OAuth / OpenID Connect sign-in, linking and unlinking (API.md "OAuth / social login"). */
  readonly oauth: OAuthFlows;
  /** A person's own account: verification, password reset and change, profile, email, deletion. */
  readonly account: AccountFlows;
  /** An administrator's operations on accounts. */
  readonly admin: AdminFlows;
  /** The tenants this installation knows. */
  readonly tenants: TenantDirectory;
  /** Where every flow reports what happened (flush it before reading a sink). */
  readonly audit: AuditDispatcher;
  /** The outbox transport's store, when the engine made it (development): GET /dev/outbox. */
  readonly outbox: OutboxStore | undefined;
  private readonly parts: AuthEngineParts;
  private readonly processJobs: boolean;
  private tenantRefresh: NodeJS.Timeout | undefined;

  constructor(
    readonly gatehouse: Gatehouse,
    options: AuthEngineOptions = {},
  ) {
    const { config, clock, database } = gatehouse;
    const log =
      options.log ?? ((event: AuditEvent) => process.stdout.write(`${JSON.stringify({ audit: event })}\n`));
    this.audit = new AuditDispatcher({
      sink: options.auditSink ?? logAuditSink(log),
      clock,
      maxQueue: config.audit.maxQueuedEvents,
    });
    this.outbox = options.mailer ? undefined : new OutboxStore(database, { clock, random: gatehouse.random });
    this.processJobs = options.processJobs ?? true;
    this.parts = createEngineParts(gatehouse, {
      audit: this.audit,
      mailer: options.mailer ?? this.outbox!.mailer,
      sms: 'sms' in options ? options.sms : smsDefault(config, this.outbox),
      links: options.links,
    });
    this.tenants = this.parts.tenants;
    this.signIn = new SignInFlows(this.parts);
    this.magicLinks = new MagicLinkFlows(this.parts);
    this.sessions = new SessionFlows(this.parts);
    this.mfa = new MfaFlows(this.parts);
    this.passkeys = new PasskeyFlows(this.parts);
    this.oauth = new OAuthFlows(this.parts);
    this.account = new AccountFlows(this.parts);
    this.admin = new AdminFlows(this.parts);
  }

  /** Loads what must be in memory before serving (known tenants, the dummy password hash). */
  async start(): Promise<void> {
    await Promise.all([this.tenants.refresh(), this.parts.hasher.warmUp()]);
    await ensureBootstrapAdmin(this.parts);
    if (this.processJobs) this.gatehouse.jobs.start((job) => this.runJobAudited(job));
    // Tenants created by another instance or the CLI appear within tenancy.refreshIntervalSeconds.
    this.tenantRefresh = setInterval(() => {
      this.tenants.refresh().catch(() => undefined);
    }, this.gatehouse.config.tenancy.refreshIntervalSeconds * 1000);
    this.tenantRefresh.unref();
  }

  /** The engine's background jobs; an embedding app may wrap this to add its own names. */
  runJob(job: Job): Promise<void> {
    return runEngineJob(this.parts, job);
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

  async close(): Promise<void> {
    clearInterval(this.tenantRefresh);
    await this.gatehouse.jobs.stop();
    await this.audit.flush();
  }
}
