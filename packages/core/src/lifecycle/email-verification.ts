import { toPublicUser, type PublicUser } from '../accounts/public-user.js';
import type { RequestContext } from '../context/request-context.js';
import type { AuthEngineParts } from '../signin/engine-parts.js';
import { fail, origin, type Outcome } from '../signin/types.js';
import { ACCOUNT_JOBS } from './account-jobs.js';
import { toSubmission, type CodeInput } from './submission.js';

/**
 * POST /auth/verify-email/resend: always the same answer and the same work (two counters
 * and one enqueue) for any address; the worker decides whether anything is sent.
 */
export async function requestVerificationEmail(
  parts: AuthEngineParts,
  email: string,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const limit = await parts.limits.request('verification', ctx.tenant, email, ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  await parts.jobs.enqueue(ACCOUNT_JOBS.verification, { tenant: ctx.tenant, email, reason: 'resend' });
  parts.audit.emit({ type: 'email.verification_requested', tenant: ctx.tenant, ...origin(ctx) });
  return { ok: true };
}

/**
 * POST /auth/verify-email: rate limit → find the challenge → check (counts an attempt) →
 * consume (exactly one of concurrent submissions wins) → mark the address verified and
 * bump the account version. Every failure is the same `invalid_or_expired_token`.
 */
export async function verifyEmail(
  parts: AuthEngineParts,
  input: CodeInput,
  ctx: RequestContext,
): Promise<Outcome<{ user: PublicUser }>> {
  const limit = await parts.limits.codeSubmission(ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  const settings = parts.config.accounts.verification;
  const submission = await toSubmission(parts, ctx.tenant, input);
  const checked = submission && (await parts.secrets.check('verify_email', ctx.tenant, submission, settings));
  if (!checked || !(await parts.secrets.consume(checked))) {
    parts.audit.emit({ type: 'email.verification_failed', tenant: ctx.tenant, ...origin(ctx) });
    return fail('invalid_or_expired_token');
  }
  const user = await parts.users.markEmailVerified(ctx.tenant, checked.userId);
  if (!user || user.status === 'deleted') return fail('invalid_or_expired_token');
  parts.audit.emit({ type: 'email.verified', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  return { ok: true, user: toPublicUser(user) };
}
