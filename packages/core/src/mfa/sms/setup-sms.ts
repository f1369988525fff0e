import { staleSignIn } from '../../access/index.js';
import type { RequestContext } from '../../kernel/request-context.js';
import type { SignedIn } from '../../kernel/signed-in.js';
import type { MfaFlowParts } from '../mfa-parts.js';
import { fail, type Outcome } from '../../kernel/outcome.js';
import { maskPhone, normalizePhone } from './phone.js';
import { enqueueSmsCode, spendSmsSend } from './queue-sms-code.js';
import { activeUser } from '../../accounts/active-user.js';
import { smsFactorOf, smsUnavailable } from './sms-access.js';

/**
 * POST /auth/mfa/sms/setup { phone } (a recent sign-in first), as ordered steps: an SMS
 * transport exists → the number is valid (kept as E.164) → no confirmed number yet (409:
 * disable it first) → the send limit → the number, sealed, becomes the pending SMS factor
 * (replacing a pending one, whose code then stops working: codes are bound to their
 * credential) → a code is sent to it. Confirming that code turns the factor on.
 */
export async function setupSms(
  parts: MfaFlowParts,
  who: SignedIn,
  phone: string,
  ctx: RequestContext,
): Promise<Outcome<{ phone: string }>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const sms = smsFactorOf(parts);
  if (!sms) return smsUnavailable();
  const e164 = normalizePhone(phone);
  if (!e164) return fail('validation_error');
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  if ((await sms.credentials.current(user.id))?.confirmed) return fail('conflict');
  const spent = await spendSmsSend(parts, sms, user, 'setup', ctx);
  if (!spent.ok) return spent;

  const id = parts.random.uuid();
  if (!(await sms.credentials.savePending(user.id, id, sms.sealPhone(user.id, id, e164)))) {
    return fail('conflict');
  }
  await enqueueSmsCode(parts, user, { purpose: 'setup', credentialId: id }, ctx);
  return { ok: true, phone: maskPhone(e164) };
}
