import { normalizeEmail } from '../kernel/email.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import { passwordLength } from '../password/index.js';
import type { SignInParts } from './sign-in-parts.js';
import { fail, origin, type Failure } from '../kernel/outcome.js';

/**
 * Re-checks the signed-in user's password (password change, account deletion) under the
 * login throttles: a stolen access token must not become a way to guess the password
 * faster than the login form allows. A success resets the counters like a login does.
 * Returns null when the password checked out.
 */
export async function checkCurrentPassword(
  parts: SignInParts,
  user: UserRow,
  password: string,
  ctx: RequestContext,
): Promise<Failure | null> {
  const { throttle, hasher, users } = parts;
  const identifier = normalizeEmail(user.email);
  const attempt = await throttle.begin(ctx.tenant, identifier, ctx.ip);
  if (!attempt.allowed) return fail(attempt.reason, { retryAfterSeconds: attempt.retryAfterSeconds });

  const tooLong = passwordLength(password) > parts.config.passwords.maxLength;
  const storedHash = tooLong ? undefined : await users.passwordHash(user.id);
  const verified = storedHash ? await hasher.verify(storedHash, password) : { ok: false };
  if (!verified.ok) {
    await throttle.recordFailure(ctx.tenant, identifier, ctx.ip, attempt);
    parts.audit.emit({
      type: 'password.check_failed',
      tenant: ctx.tenant,
      userId: user.id,
      ...origin(ctx),
    });
    return fail('invalid_credentials');
  }
  await throttle.recordSuccess(ctx.tenant, identifier, ctx.ip, attempt);
  return null;
}
