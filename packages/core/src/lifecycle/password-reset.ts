import { claimUnverifiedAccount } from '../accounts/claim-account.js';
import { normalizeEmail } from '../kernel/email.js';
import type { RequestContext } from '../kernel/request-context.js';
import { verifySecondFactor } from '../mfa/index.js';
import { checkPasswordPolicy } from '../password/index.js';
import type { AccountParts } from './account-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { NOTICE_JOB } from '../accounts/notice-job.js';
import { PASSWORD_RESET_JOB } from './password-reset-job.js';
import { toSubmission, type CodeInput } from './submission.js';

/**
 * POST /auth/password/forgot: enumeration-safe in status, body and timing. The request
 * does the same two counter hits and one enqueue for every address; the worker looks the
 * account up and sends a reset message only to an account that exists.
 */
export async function requestPasswordReset(
  parts: AccountParts,
  email: string,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const limit = await parts.limits.request('reset', ctx.tenant, email, ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  await parts.jobs.enqueue(PASSWORD_RESET_JOB, { tenant: ctx.tenant, email });
  parts.audit.emit({ type: 'password.reset_requested', tenant: ctx.tenant, ...origin(ctx) });
  return { ok: true };
}

export type ResetPasswordInput = CodeInput & {
  password: string;
  /** The second factor: required when the account has one enrolled. */
  mfa?: { method: string; code: string } | undefined;
};

/**
 * POST /auth/password/reset, as ordered checks: rate limit → challenge (counts an
 * attempt) → account still usable → password policy (a weak password leaves the challenge
 * alive for another try) → consume (exactly one concurrent reset wins) → new hash, the
 * address counts as verified (the mail proved it), account version bumped → every session
 * ends → login lockout lifted → "password changed" notice. On an account nobody had verified,
 * the reset claims it: everything set up before the mailbox was proven is dropped.
 */
export async function resetPassword(
  parts: AccountParts,
  input: ResetPasswordInput,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const { users, audit, secrets } = parts;
  const limit = await parts.limits.codeSubmission(ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  const settings = parts.config.accounts.passwordReset;
  const submission = await toSubmission(parts, ctx.tenant, input);
  const checked = submission && (await secrets.check('password_reset', ctx.tenant, submission, settings));
  const user = checked ? await users.findById(ctx.tenant, checked.userId) : undefined;
  if (!checked || !user || user.status === 'deleted' || user.status === 'disabled') {
    audit.emit({ type: 'password.reset_failed', tenant: ctx.tenant, userId: user?.id, ...origin(ctx) });
    return fail('invalid_or_expired_token');
  }

  // API.md: an account with a second factor needs one here too (a mailbox alone is not enough).
  // A passkey cannot answer here (no code): passkey-only accounts prove the mailbox, plus a
  // backup code when they have one (enrolledMethods lists those only beside another factor).
  // On an unverified account the factors were set up by someone who never proved the mailbox:
  // they are dropped below (the reset claims the account), so they cannot be asked for.
  const unverified = user.emailVerifiedAt === null;
  const codeFactors = (await parts.mfa.factors.enrolledMethods(user.id)).filter((m) => m !== 'webauthn');
  if (!unverified && codeFactors.length > 0) {
    if (!input.mfa) return fail('invalid_code', { reason: 'mfa_required' });
    const second = await verifySecondFactor(parts, user, input.mfa, ctx);
    if (!second.ok) return second;
  }

  const policy = await checkPasswordPolicy(input.password, {
    email: user.email,
    config: parts.config.passwords,
    ...(parts.breachChecker ? { breachChecker: parts.breachChecker } : {}),
  });
  if (!policy.ok) return fail('weak_password', { reason: policy.reason });
  if (!(await secrets.consume(checked))) return fail('invalid_or_expired_token');

  const hash = await parts.hasher.hash(policy.normalized);
  if (unverified) {
    await claimUnverifiedAccount(parts, user, 'password_reset', ctx, hash);
  } else {
    await users.replacePassword(ctx.tenant, user.id, hash, { verifyEmail: true });
    await parts.sessions.revokeUserSessions(ctx.tenant, user.id, { reason: 'password_reset', ctx });
  }
  await parts.throttle.unlock(ctx.tenant, normalizeEmail(user.email));
  await notifyPasswordChanged(parts, user.id, ctx);
  audit.emit({ type: 'password.reset', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  return { ok: true };
}

/** Tells the account's address its password changed (from a job, so a mail outage loses nothing). */
export async function notifyPasswordChanged(
  parts: AccountParts,
  userId: string,
  ctx: RequestContext,
): Promise<void> {
  await parts.jobs.enqueue(NOTICE_JOB, {
    tenant: ctx.tenant,
    userId,
    template: 'password_changed',
    ip: ctx.ip,
    time: new Date(parts.clock.now()).toISOString(),
  });
}
