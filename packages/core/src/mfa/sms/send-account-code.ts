import type { RequestContext } from '../../kernel/request-context.js';
import type { SignedIn } from '../../kernel/signed-in.js';
import type { MfaFlowParts } from '../mfa-parts.js';
import { fail, type Outcome } from '../../kernel/outcome.js';
import { maskPhone } from './phone.js';
import { queueLoginCode } from './queue-sms-code.js';
import { activeUser } from '../../accounts/active-user.js';
import { smsFactorOf, smsUnavailable } from './sms-access.js';

/**
 * POST /auth/mfa/sms/send (bearer, no step-up: it is how a signed-in user gets the code that
 * POST /auth/step-up and POST /auth/mfa/disable ask for). A sign-in code to the confirmed
 * number (404 without one), under the per-user send limit.
 */
export async function sendAccountCode(
  parts: MfaFlowParts,
  who: SignedIn,
  ctx: RequestContext,
): Promise<Outcome<{ phone: string }>> {
  const sms = smsFactorOf(parts);
  if (!sms) return smsUnavailable();
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const credential = await sms.credentials.current(user.id);
  if (!credential?.confirmed) return fail('not_found');
  const queued = await queueLoginCode(parts, sms, user, credential.id, ctx);
  if (!queued.ok) return queued;
  return { ok: true, phone: maskPhone(sms.openPhone(user.id, credential)) };
}
