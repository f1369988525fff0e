import { activeUser } from '../accounts/active-user.js';
import type { RequestContext } from '../kernel/request-context.js';
import { toSubmission, type CodeInput } from './submission.js';
import type { AccountParts } from './account-parts.js';
import { fail, type Outcome } from '../kernel/outcome.js';
import { queueLoginCode, smsFactorOf, smsUnavailable } from '../mfa/index.js';

/**
 * POST /auth/password/reset/sms-code: an account whose second factor is SMS needs a code
 * for its password reset (API.md: reset needs the factor too), and has no session to ask
 * for one with. The reset link or code itself authorises the send: it is checked (an
 * attempt counted, not consumed) and a sign-in code goes to the enrolled number, under the
 * per-user send limit. Anything unusable is the reset's own `invalid_or_expired_token`.
 */
export async function sendResetSmsCode(
  parts: AccountParts,
  input: CodeInput,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const sms = smsFactorOf(parts);
  if (!sms) return smsUnavailable();
  const limit = await parts.limits.codeSubmission(ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  const submission = await toSubmission(parts, ctx.tenant, input);
  const settings = parts.config.accounts.passwordReset;
  const checked =
    submission && (await parts.secrets.check('password_reset', ctx.tenant, submission, settings));
  const user = checked ? await activeUser(parts.users, ctx.tenant, checked.userId) : undefined;
  if (!user) return fail('invalid_or_expired_token');
  const credential = await sms.credentials.current(user.id);
  if (!credential?.confirmed) return fail('not_found');
  return queueLoginCode(parts, sms, user, credential.id, ctx);
}
