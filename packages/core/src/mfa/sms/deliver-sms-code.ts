import { activeUser } from '../../accounts/active-user.js';
import { payloadText, type JobHandlers } from '../../jobs/handlers.js';
import { PermanentJobError, type JobPayload } from '../../jobs/types.js';
import type { MfaFlowParts } from '../mfa-parts.js';
import type { SmsCodePurpose } from './sms-code-store.js';
import { smsFactorOf } from './sms-access.js';

/**
 * { tenant, userId, credentialId, purpose: 'setup' | 'login' } — an SMS code; the worker
 * makes the code and keeps only its HMAC, so it never sits in a (clear-text) job payload.
 */
export const SMS_CODE_JOB = 'account.sms_code';

const isPurpose = (value: unknown): value is SmsCodePurpose => value === 'setup' || value === 'login';

/**
 * The worker side of an SMS code request (job `account.sms_code`): the code is made here, its
 * HMAC stored, and only the SMS carries it. Nothing is sent when the account is no longer
 * active or the credential the request named is gone or changed state (a setup replaced by a
 * newer one, a number confirmed or removed meanwhile). A retried job makes a fresh code,
 * which supersedes one a failed attempt may have created.
 */
export async function deliverSmsCode(parts: MfaFlowParts, tenant: string, payload: JobPayload) {
  const sms = smsFactorOf(parts);
  if (!sms) throw new PermanentJobError('No SMS transport is configured (sms.transport is none)');
  const { userId, credentialId, purpose } = payload;
  if (typeof userId !== 'string' || typeof credentialId !== 'string' || !isPurpose(purpose)) {
    throw new PermanentJobError('SMS code job payload is malformed');
  }
  const user = await activeUser(parts.users, tenant, userId);
  if (!user) return;
  const credential = await sms.credentials.byId(user.id, credentialId);
  if (!credential || credential.confirmed !== (purpose === 'login')) return;

  const phone = sms.openPhone(user.id, credential);
  const code = await sms.codes.issue(purpose, tenant, user.id, credential.id);
  await parts.deliver.text(phone, 'sms_code', {
    code,
    expiresInMinutes: Math.max(1, Math.round(sms.codeTtlSeconds / 60)),
  });
  parts.audit.emit({ type: 'mfa.sms_code_sent', tenant, userId: user.id, data: { purpose } });
}

export const smsCodeJobs: JobHandlers<MfaFlowParts> = {
  [SMS_CODE_JOB]: (parts, { payload }) => deliverSmsCode(parts, payloadText(payload, 'tenant'), payload),
};
