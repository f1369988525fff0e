import { claimUnverifiedAccount } from '../accounts/claim-account.js';
import { toPublicUser } from '../accounts/public-user.js';
import { type PublicUser } from '../kernel/public-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import { checkPasswordPolicy, passwordLength } from '../password/index.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { AccountParts } from './account-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { VERIFICATION_JOB } from '../signin/index.js';
import { toSubmission, type CodeInput } from './submission.js';

/**
 * POST /auth/verify-email/resend: always the same answer and the same work (two counters
 * and one enqueue) for any address; the worker decides whether anything is sent.
 */
export async function requestVerificationEmail(
  parts: AccountParts,
  email: string,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const limit = await parts.limits.request('verification', ctx.tenant, email, ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  await parts.jobs.enqueue(VERIFICATION_JOB, { tenant: ctx.tenant, email, reason: 'resend' });
  parts.audit.emit({ type: 'email.verification_requested', tenant: ctx.tenant, ...origin(ctx) });
  return { ok: true };
}

export type VerifyEmailInput = CodeInput & {
  /** The password chosen at the sign-up (any still pending for the address). */
  password?: string | undefined;
  /** Or a new password: the mailbox owner may not know (or have chosen) the sign-up's. */
  newPassword?: string | undefined;
};

/**
 * POST /auth/verify-email: rate limit → a password named → find the challenge → check
 * (counts an attempt) → account still unverified → the password: one chosen at a pending
 * sign-up of the address, or a new one that passes the policy (a mismatch or a weak one
 * leaves the challenge alive, each try spending one of its attempts) → consume (exactly one
 * of concurrent submissions wins) → the claimant takes the account over with that password.
 *
 * Why a password is required: the mailbox decides who owns the account, and a verification
 * must never activate a password the verifier did not type. Otherwise a squatter who signed up
 * with the victim's address would own it the moment the victim clicked the link mailed to them.
 */
export async function verifyEmail(
  parts: AccountParts,
  input: VerifyEmailInput,
  ctx: RequestContext,
): Promise<Outcome<{ user: PublicUser }>> {
  const limit = await parts.limits.codeSubmission(ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  if (input.password === undefined && input.newPassword === undefined) return fail('password_required');
  const settings = parts.config.accounts.verification;
  const submission = await toSubmission(parts, ctx.tenant, input);
  const checked = submission && (await parts.secrets.check('verify_email', ctx.tenant, submission, settings));
  const user = checked ? await parts.users.findById(ctx.tenant, checked.userId) : undefined;
  // Already verified (by a reset or a magic link since the mail left): nothing to claim, and a
  // new password here would skip the reset's second-factor check.
  if (!checked || !user || user.status === 'deleted' || user.emailVerifiedAt !== null) {
    parts.audit.emit({ type: 'email.verification_failed', tenant: ctx.tenant, ...origin(ctx) });
    return fail('invalid_or_expired_token');
  }
  const chosen = await chosenPasswordHash(parts, user, input);
  if (!chosen.ok) {
    parts.audit.emit({
      type: 'email.verification_failed',
      tenant: ctx.tenant,
      userId: user.id,
      reason: chosen.code,
      ...origin(ctx),
    });
    return chosen;
  }
  if (!(await parts.secrets.consume(checked))) return fail('invalid_or_expired_token');
  const claimed = await claimUnverifiedAccount(parts, user, 'verification', ctx, chosen.hash);
  if (!claimed) return fail('invalid_or_expired_token');
  return { ok: true, user: toPublicUser(claimed) };
}

/**
 * The password the verifier names: a new one (policy-checked and hashed), or one chosen at a
 * sign-up of this address still pending (or the account's own, e.g. set by an admin). Only
 * someone who typed it can name it, so whichever sign-up it was, it is the verifier's.
 */
async function chosenPasswordHash(
  parts: AccountParts,
  user: UserRow,
  input: VerifyEmailInput,
): Promise<Outcome<{ hash: string }>> {
  if (input.newPassword !== undefined) {
    const policy = await checkPasswordPolicy(input.newPassword, {
      email: user.email,
      config: parts.config.passwords,
      ...(parts.breachChecker ? { breachChecker: parts.breachChecker } : {}),
    });
    if (!policy.ok) return fail('weak_password', { reason: policy.reason });
    return { ok: true, hash: await parts.hasher.hash(policy.normalized) };
  }
  const password = input.password ?? '';
  if (passwordLength(password) > parts.config.passwords.maxLength) return fail('signup_password_mismatch');
  const pending = (await parts.signups.list(user.tenantId, user.email)).map((s) => s.passwordHash);
  const own = await parts.users.passwordHash(user.id);
  for (const hash of new Set([...pending, ...(own ? [own] : [])])) {
    if ((await parts.hasher.verify(hash, password)).ok) return { ok: true, hash };
  }
  return fail('signup_password_mismatch');
}
