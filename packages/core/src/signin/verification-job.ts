import type { PendingSignups } from '../accounts/pending-signups.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { Deliverer } from '../delivery/deliverer.js';
import { payloadOptional, payloadText, type JobHandlers } from '../jobs/handlers.js';
import type { CommonParts } from '../kernel/parts.js';
import type { OneTimeSecrets } from '../one-time/one-time-secrets.js';
import { secretMailData } from '../one-time/secret-mail-data.js';

/** { tenant, email, reason: 'register' | 'resend', signupId? } */
export const VERIFICATION_JOB = 'account.verification';

export interface VerificationMailParts extends CommonParts {
  users: UserRepository;
  deliver: Deliverer;
  secrets: OneTimeSecrets;
  signups: PendingSignups;
}

/**
 * Register and resend: an unverified account gets a (new) verification message; a verified
 * one gets "someone tried to register with your address" on register, nothing on resend.
 * The message says when and from where the sign-up it answers was made (resend: the newest
 * one still pending), so an owner who never signed up can tell and choose a new password.
 */
async function sendVerification(
  parts: VerificationMailParts,
  tenant: string,
  request: { email: string; reason: string; signupId: string | undefined },
): Promise<void> {
  const { reason } = request;
  const user = await parts.users.findByEmail(tenant, request.email);
  if (!user || user.status === 'deleted' || user.status === 'disabled') return;
  const { appUrl } = parts.config.mail;
  if (user.emailVerifiedAt !== null) {
    if (reason !== 'register') return;
    await parts.deliver.email(user.email, 'account_exists', {
      email: user.email,
      loginUrl: `${appUrl}/login`,
      resetUrl: `${appUrl}/forgot-password`,
    });
    return;
  }
  const signups = await parts.signups.list(tenant, user.email);
  const signup = signups.find((s) => s.id === request.signupId) ?? signups[0];
  const settings = parts.config.accounts.verification;
  const issued = await parts.secrets.issue('verify_email', tenant, user.id, settings);
  await parts.deliver.email(user.email, 'verify_email', {
    email: user.email,
    ...secretMailData(issued, settings, `${appUrl}/verify-email`, 'verificationId'),
    ...(signup ? { signupAt: signup.at, signupIp: signup.ip } : {}),
  });
  parts.audit.emit({ type: 'email.verification_sent', tenant, userId: user.id, data: { reason } });
}

export const verificationJobs: JobHandlers<VerificationMailParts> = {
  [VERIFICATION_JOB]: (parts, { payload }) =>
    sendVerification(parts, payloadText(payload, 'tenant'), {
      email: payloadText(payload, 'email'),
      reason: payloadText(payload, 'reason'),
      signupId: payloadOptional(payload, 'signupId'),
    }),
};
