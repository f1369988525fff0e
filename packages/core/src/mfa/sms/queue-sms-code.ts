import type { UserRow } from '../../accounts/user-repository.js';
import type { RequestContext } from '../../kernel/request-context.js';
import { SMS_CODE_JOB } from './deliver-sms-code.js';
import type { MfaFlowParts } from '../mfa-parts.js';
import { fail, origin, type Outcome } from '../../kernel/outcome.js';
import type { SmsCodePurpose } from './sms-code-store.js';
import type { SmsFactor } from './sms-factor.js';

/** Counts an SMS about to be sent against the user's limit (rateLimits.smsCodes): 429 beyond it. */
export async function spendSmsSend(
  parts: MfaFlowParts,
  sms: SmsFactor,
  user: UserRow,
  purpose: SmsCodePurpose,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const limit = await sms.allowSend(ctx.tenant, user.id);
  if (limit.allowed) return { ok: true };
  parts.audit.emit({
    type: 'mfa.sms_throttled',
    tenant: ctx.tenant,
    userId: user.id,
    data: { purpose },
    ...origin(ctx),
  });
  return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
}

/**
 * A job naming only the user and the credential. The code itself is made by the worker and
 * stored there as an HMAC: jobs are kept in clear (failed ones stay), so a code in a payload
 * would outlive its use; made late, its TTL also starts when it is actually sent.
 */
export async function enqueueSmsCode(
  parts: MfaFlowParts,
  user: UserRow,
  sending: { purpose: SmsCodePurpose; credentialId: string },
  ctx: RequestContext,
): Promise<void> {
  await parts.jobs.enqueue(SMS_CODE_JOB, {
    tenant: ctx.tenant,
    userId: user.id,
    credentialId: sending.credentialId,
    purpose: sending.purpose,
  });
  parts.audit.emit({
    type: 'mfa.sms_code_requested',
    tenant: ctx.tenant,
    userId: user.id,
    data: { purpose: sending.purpose },
    ...origin(ctx),
  });
}

/**
 * A sign-in code to the account's confirmed number (`credentialId`): counted against the
 * user's send limit first (429 beyond it), then queued.
 */
export async function queueLoginCode(
  parts: MfaFlowParts,
  sms: SmsFactor,
  user: UserRow,
  credentialId: string,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const spent = await spendSmsSend(parts, sms, user, 'login', ctx);
  if (!spent.ok) return spent;
  await enqueueSmsCode(parts, user, { purpose: 'login', credentialId }, ctx);
  return { ok: true };
}
