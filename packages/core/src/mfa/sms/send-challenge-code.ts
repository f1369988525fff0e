import { activeUser } from '../../accounts/active-user.js';
import type { RequestContext } from '../../kernel/request-context.js';
import type { MfaFlowParts } from '../mfa-parts.js';
import { fail, type Outcome } from '../../kernel/outcome.js';
import { maskPhone } from './phone.js';
import { queueLoginCode } from './queue-sms-code.js';
import { smsFactorOf, smsUnavailable } from './sms-access.js';

/**
 * POST /auth/mfa/challenge { challengeId, method: 'sms' }: a sign-in code to the enrolled
 * number, for POST /auth/mfa/verify. The challenge must be live, this tenant's and offer 'sms'
 * (else 401 invalid_code, as verify answers); the account must still be active; the per-user
 * send limit applies. The answer shows the number masked, so the user knows which phone.
 */
export async function sendChallengeCode(
  parts: MfaFlowParts,
  challengeId: string,
  ctx: RequestContext,
): Promise<Outcome<{ phone: string }>> {
  const sms = smsFactorOf(parts);
  if (!sms) return smsUnavailable();
  const challenge = await parts.mfa.challenges.get(challengeId, ctx.tenant);
  if (!challenge?.methods.includes('sms')) return fail('invalid_code');
  const user = await activeUser(parts.users, ctx.tenant, challenge.userId);
  const credential = user && (await sms.credentials.current(user.id));
  if (!user || !credential?.confirmed) return fail('invalid_code');
  const queued = await queueLoginCode(parts, sms, user, credential.id, ctx);
  if (!queued.ok) return queued;
  return { ok: true, phone: maskPhone(sms.openPhone(user.id, credential)) };
}
