import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../context/request-context.js';
import type { SignedIn } from '../../lifecycle/change-password.js';
import type { AuthEngineParts } from '../../signin/engine-parts.js';
import { fail, type Outcome } from '../../signin/types.js';
import { maskPhone, normalizePhone } from './phone.js';
import { enqueueSmsCode, spendSmsSend } from './queue-sms-code.js';
import { activeUser, smsFactorOf, smsUnavailable } from './sms-factor.js';

/**
 * POST /auth/mfa/sms/setup { phone } (step-up checked by the caller), as ordered steps: an SMS
 * transport exists → the number is valid (kept as E.164) → no confirmed number yet (409:
 * disable it first) → the send limit → the number, sealed, becomes the pending SMS factor
 * (replacing a pending one, whose code then stops working: codes are bound to their
 * credential) → a code is sent to it. Confirming that code turns the factor on.
 */
export async function setupSms(
  parts: AuthEngineParts,
  who: SignedIn,
  phone: string,
  ctx: RequestContext,
): Promise<Outcome<{ phone: string }>> {
  const sms = smsFactorOf(parts);
  if (!sms) return smsUnavailable();
  const e164 = normalizePhone(phone);
  if (!e164) return fail('validation_error');
  const user = await activeUser(parts, who, ctx);
  if (!user) return fail('unauthorized');
  if ((await sms.credentials.current(user.id))?.confirmed) return fail('conflict');
  const spent = await spendSmsSend(parts, sms, user, 'setup', ctx);
  if (!spent.ok) return spent;

  const id = randomUUID();
  if (!(await sms.credentials.savePending(user.id, id, sms.sealPhone(user.id, id, e164)))) {
    return fail('conflict');
  }
  await enqueueSmsCode(parts, user, { purpose: 'setup', credentialId: id }, ctx);
  return { ok: true, phone: maskPhone(e164) };
}
