import { normalizeEmail } from '../kernel/email.js';
import type { RequestContext } from '../kernel/request-context.js';
import { passwordLength } from '../password/index.js';
import { completeSignIn } from './complete-sign-in.js';
import type { SignInParts } from './sign-in-parts.js';
import { fail, origin, type SignInResult } from '../kernel/outcome.js';

export interface PasswordLoginInput {
  email: string;
  password: string;
}

/**
 * Password login as an ordered list of checks: throttle (the attempt counted up front) →
 * length → load user → verify (a dummy hash for unknown emails, so both cost one
 * Argon2id) → settle the attempt → the shared sign-in pipeline. Every failure before the password checked
 * out is the same `invalid_credentials` (or the throttle's answer, identical for
 * known and unknown identifiers).
 */
export async function loginWithPassword(
  parts: SignInParts,
  input: PasswordLoginInput,
  ctx: RequestContext,
): Promise<SignInResult> {
  const { throttle, users, hasher, audit } = parts;
  const identifier = normalizeEmail(input.email);

  // Counted before it is tried, so parallel attempts cannot outrun the limits.
  const attempt = await throttle.begin(ctx.tenant, identifier, ctx.ip);
  if (!attempt.allowed) {
    audit.emit({ type: 'login.throttled', tenant: ctx.tenant, reason: attempt.reason, ...origin(ctx) });
    return fail(attempt.reason, { retryAfterSeconds: attempt.retryAfterSeconds });
  }

  // Over-long passwords are refused without hashing (no Argon2 CPU for attackers).
  const tooLong = passwordLength(input.password) > parts.config.passwords.maxLength;
  const user = tooLong ? undefined : await users.findByEmail(ctx.tenant, identifier);
  const storedHash = user ? await users.passwordHash(user.id) : undefined;
  const verified = tooLong
    ? { ok: false, needsRehash: false }
    : storedHash
      ? await hasher.verify(storedHash, input.password)
      : await hasher.verifyDummy(input.password);

  if (!user || !verified.ok) {
    const locked = await throttle.recordFailure(ctx.tenant, identifier, ctx.ip, attempt);
    audit.emit({
      type: 'login.failed',
      tenant: ctx.tenant,
      userId: user?.id,
      reason: tooLong ? 'password_too_long' : 'invalid_credentials',
      ...origin(ctx),
    });
    if (locked) audit.emit({ type: 'account.locked', tenant: ctx.tenant, userId: user?.id, ...origin(ctx) });
    return fail('invalid_credentials');
  }

  await throttle.recordSuccess(ctx.tenant, identifier, ctx.ip, attempt);
  if (verified.needsRehash) await users.setPasswordHash(user.id, await hasher.hash(input.password));
  return completeSignIn(parts, user, ['pwd'], ctx);
}
