import type { UserRow } from '../accounts/user-repository.js';
import type { MessageTemplate } from '../delivery/types.js';
import { PermanentJobError, type Job, type JobPayload } from '../jobs/types.js';
import { deliverSmsCode } from '../mfa/sms/deliver-sms-code.js';
import type { IssuedSecret, SecretSettings } from '../one-time/one-time-secrets.js';
import type { AuthEngineParts } from '../signin/engine-parts.js';
import { sendMagicLink } from '../passwordless/magic-link-mail.js';
import { sendEmailChangeCode, sendEmailChangedNotice } from './email-change.js';

/**
 * The per-account work that enumeration-safe requests defer. The request only enqueues
 * (the same work for known and unknown addresses); the worker looks the account up and
 * decides what, if anything, to send. A retried job issues a fresh secret, which
 * supersedes the one a failed attempt may have created.
 */
export const ACCOUNT_JOBS = {
  /** { tenant, email, reason: 'register' | 'resend', signupId? } */
  verification: 'account.verification',
  /** { tenant, email } */
  passwordReset: 'account.password_reset',
  /** { tenant, userId, template, ip } — a security notice to the account's address. */
  notice: 'account.notice',
  /** { tenant, email, redirectTo? } — a sign-in link, only to an active account. */
  magicLink: 'account.magic_link',
  /** { tenant, userId, newEmail } — a code to the new address, or "account exists" to its owner. */
  emailChange: 'account.email_change',
  /** { tenant, userId, oldEmail, newEmail, ip, time } — the old address is told. */
  emailChanged: 'account.email_changed',
  /**
   * { tenant, userId, credentialId, purpose: 'setup' | 'login' } — an SMS code; the worker
   * makes the code and keeps only its HMAC, so it never sits in a (clear-text) job payload.
   */
  smsCode: 'account.sms_code',
} as const;

export type AccountJobName = (typeof ACCOUNT_JOBS)[keyof typeof ACCOUNT_JOBS];

export function isAccountJob(name: string): name is AccountJobName {
  return Object.values<string>(ACCOUNT_JOBS).includes(name);
}

export async function runAccountJob(parts: AuthEngineParts, job: Job): Promise<void> {
  const tenant = text(job.payload, 'tenant');
  switch (job.name) {
    case ACCOUNT_JOBS.verification:
      return sendVerification(parts, tenant, {
        email: text(job.payload, 'email'),
        reason: text(job.payload, 'reason'),
        signupId: optional(job.payload, 'signupId'),
      });
    case ACCOUNT_JOBS.passwordReset:
      return sendPasswordReset(parts, tenant, text(job.payload, 'email'));
    case ACCOUNT_JOBS.notice:
      return sendNotice(parts, tenant, job.payload);
    case ACCOUNT_JOBS.magicLink:
      return sendMagicLink(parts, tenant, text(job.payload, 'email'), optional(job.payload, 'redirectTo'));
    case ACCOUNT_JOBS.emailChange:
      return sendEmailChangeCode(parts, tenant, text(job.payload, 'userId'), text(job.payload, 'newEmail'));
    case ACCOUNT_JOBS.emailChanged:
      return sendEmailChangedNotice(parts, {
        oldEmail: text(job.payload, 'oldEmail'),
        newEmail: text(job.payload, 'newEmail'),
        time: text(job.payload, 'time'),
        ip: optional(job.payload, 'ip'),
      });
    case ACCOUNT_JOBS.smsCode:
      return deliverSmsCode(parts, tenant, job.payload);
    default:
      throw new PermanentJobError(`Unknown account job ${job.name}`);
  }
}

/**
 * Register and resend: an unverified account gets a (new) verification message; a verified
 * one gets "someone tried to register with your address" on register, nothing on resend.
 * The message says when and from where the sign-up it answers was made (resend: the newest
 * one still pending), so an owner who never signed up can tell and choose a new password.
 */
async function sendVerification(
  parts: AuthEngineParts,
  tenant: string,
  request: { email: string; reason: string; signupId: string | undefined },
): Promise<void> {
  const { reason } = request;
  const user = await parts.users.findByEmail(tenant, request.email);
  if (!user || user.status === 'deleted' || user.status === 'disabled') return;
  const { appUrl } = parts.config.mail;
  if (user.emailVerifiedAt !== null) {
    if (reason !== 'register') return;
    await parts.deliver.email(user.email, 'account_exists', {
      email: user.email,
      loginUrl: `${appUrl}/login`,
      resetUrl: `${appUrl}/forgot-password`,
    });
    return;
  }
  const signups = await parts.signups.list(tenant, user.email);
  const signup = signups.find((s) => s.id === request.signupId) ?? signups[0];
  const settings = parts.config.accounts.verification;
  const issued = await parts.secrets.issue('verify_email', tenant, user.id, settings);
  await parts.deliver.email(user.email, 'verify_email', {
    email: user.email,
    ...secretData(issued, settings, `${appUrl}/verify-email`, 'verificationId'),
    ...(signup ? { signupAt: signup.at, signupIp: signup.ip } : {}),
  });
  parts.audit.emit({ type: 'email.verification_sent', tenant, userId: user.id, data: { reason } });
}

/** Forgot password: only an account that can use a new password gets a reset message. */
async function sendPasswordReset(parts: AuthEngineParts, tenant: string, email: string): Promise<void> {
  const user = await parts.users.findByEmail(tenant, email);
  if (!user || user.status === 'deleted' || user.status === 'disabled') return;
  const settings = parts.config.accounts.passwordReset;
  const issued = await parts.secrets.issue('password_reset', tenant, user.id, settings);
  await parts.deliver.email(user.email, 'password_reset', {
    email: user.email,
    ...secretData(issued, settings, `${parts.config.mail.appUrl}/reset-password`, 'resetId'),
  });
  parts.audit.emit({ type: 'password.reset_sent', tenant, userId: user.id });
}

const NOTICES: readonly MessageTemplate[] = ['password_changed', 'mfa_changed'];

async function sendNotice(parts: AuthEngineParts, tenant: string, payload: JobPayload): Promise<void> {
  const template = text(payload, 'template') as MessageTemplate;
  if (!NOTICES.includes(template)) throw new PermanentJobError(`Unknown notice ${template}`);
  const user: UserRow | undefined = await parts.users.findById(tenant, text(payload, 'userId'));
  if (!user || user.status === 'deleted') return;
  await parts.deliver.email(user.email, template, {
    email: user.email,
    time: text(payload, 'time'),
    ...(typeof payload.ip === 'string' ? { ip: payload.ip } : {}),
    ...(typeof payload.change === 'string' ? { change: payload.change.replace(/_/g, ' ') } : {}),
  });
}

/** The template variables for an issued secret: a link for `token`, a code (and its id) otherwise. */
function secretData(
  issued: IssuedSecret,
  settings: SecretSettings,
  pageUrl: string,
  idName: 'verificationId' | 'resetId',
): Record<string, string | number> {
  const expiresInMinutes = Math.round(issued.ttlSeconds / 60);
  if (issued.token !== undefined) {
    return { token: issued.token, url: `${pageUrl}?token=${issued.token}`, expiresInMinutes };
  }
  const code = issued.code ?? '';
  return settings.strategy === 'uuid'
    ? { code, [idName]: issued.challengeId, expiresInMinutes }
    : { code, expiresInMinutes };
}

function text(payload: JobPayload, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string') throw new PermanentJobError(`Job payload lacks ${key}`);
  return value;
}

function optional(payload: JobPayload, key: string): string | undefined {
  const value = payload[key];
  return typeof value === 'string' ? value : undefined;
}
