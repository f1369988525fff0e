import type { UserRepository } from '../accounts/user-repository.js';
import type { Deliverer } from '../delivery/deliverer.js';
import { payloadText, type JobHandlers } from '../jobs/handlers.js';
import type { CommonParts } from '../kernel/parts.js';
import type { OneTimeSecrets } from '../one-time/one-time-secrets.js';
import { secretMailData } from '../one-time/secret-mail-data.js';

/** { tenant, email } */
export const PASSWORD_RESET_JOB = 'account.password_reset';

export interface ResetMailParts extends CommonParts {
  users: UserRepository;
  deliver: Deliverer;
  secrets: OneTimeSecrets;
}

/** Forgot password: only an account that can use a new password gets a reset message. */
async function sendPasswordReset(parts: ResetMailParts, tenant: string, email: string): Promise<void> {
  const user = await parts.users.findByEmail(tenant, email);
  if (!user || user.status === 'deleted' || user.status === 'disabled') return;
  const settings = parts.config.accounts.passwordReset;
  const issued = await parts.secrets.issue('password_reset', tenant, user.id, settings);
  await parts.deliver.email(user.email, 'password_reset', {
    email: user.email,
    ...secretMailData(issued, settings, `${parts.config.mail.appUrl}/reset-password`, 'resetId'),
  });
  parts.audit.emit({ type: 'password.reset_sent', tenant, userId: user.id });
}

export const passwordResetJobs: JobHandlers<ResetMailParts> = {
  [PASSWORD_RESET_JOB]: (parts, { payload }) =>
    sendPasswordReset(parts, payloadText(payload, 'tenant'), payloadText(payload, 'email')),
};
