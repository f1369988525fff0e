import type { Deliverer } from '../delivery/deliverer.js';
import type { MessageTemplate } from '../delivery/types.js';
import { payloadText, type JobHandlers } from '../jobs/handlers.js';
import { PermanentJobError, type JobPayload } from '../jobs/types.js';
import type { UserRepository } from './user-repository.js';

/** { tenant, userId, template, time, ip?, change? } — a security notice to the account's address. */
export const NOTICE_JOB = 'account.notice';

export interface NoticeParts {
  users: UserRepository;
  deliver: Deliverer;
}

const NOTICES: readonly MessageTemplate[] = ['password_changed', 'mfa_changed'];

/** "Your password / second factors changed": to the account's current address, unless it is deleted. */
async function sendNotice(parts: NoticeParts, tenant: string, payload: JobPayload): Promise<void> {
  const template = payloadText(payload, 'template') as MessageTemplate;
  if (!NOTICES.includes(template)) throw new PermanentJobError(`Unknown notice ${template}`);
  const user = await parts.users.findById(tenant, payloadText(payload, 'userId'));
  if (!user || user.status === 'deleted') return;
  await parts.deliver.email(user.email, template, {
    email: user.email,
    time: payloadText(payload, 'time'),
    ...(typeof payload.ip === 'string' ? { ip: payload.ip } : {}),
    ...(typeof payload.change === 'string' ? { change: payload.change.replace(/_/g, ' ') } : {}),
  });
}

export const noticeJobs: JobHandlers<NoticeParts> = {
  [NOTICE_JOB]: (parts, job) => sendNotice(parts, payloadText(job.payload, 'tenant'), job.payload),
};
