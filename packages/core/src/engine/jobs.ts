import { NOTICE_JOB, noticeJobs } from '../accounts/notice-job.js';
import type { JobHandlers } from '../jobs/handlers.js';
import { PermanentJobError, type Job } from '../jobs/types.js';
import { emailChangeJobs, EMAIL_CHANGE_JOB, EMAIL_CHANGED_JOB } from '../lifecycle/email-change.js';
import { PASSWORD_RESET_JOB, passwordResetJobs } from '../lifecycle/password-reset-job.js';
import { SMS_CODE_JOB, smsCodeJobs } from '../mfa/sms/deliver-sms-code.js';
import { MAGIC_LINK_JOB, magicLinkJobs } from '../passwordless/magic-link-mail.js';
import { VERIFICATION_JOB, verificationJobs } from '../signin/index.js';
import type { AuthEngineParts } from './parts.js';

/**
 * The names of the engine's background jobs (each owned by its capability). The per-account
 * work that enumeration-safe requests defer: the request only enqueues (the same work for
 * known and unknown addresses); the worker looks the account up and decides what to send.
 */
export const ACCOUNT_JOBS = {
  verification: VERIFICATION_JOB,
  passwordReset: PASSWORD_RESET_JOB,
  notice: NOTICE_JOB,
  magicLink: MAGIC_LINK_JOB,
  emailChange: EMAIL_CHANGE_JOB,
  emailChanged: EMAIL_CHANGED_JOB,
  smsCode: SMS_CODE_JOB,
} as const;

/** Every capability's handlers in one table. */
const ENGINE_JOBS: JobHandlers<AuthEngineParts> = {
  ...verificationJobs,
  ...passwordResetJobs,
  ...noticeJobs,
  ...magicLinkJobs,
  ...emailChangeJobs,
  ...smsCodeJobs,
};

/** Runs one of the engine's jobs; an unknown name fails for good (a retry cannot help). */
export function runEngineJob(parts: AuthEngineParts, job: Job): Promise<void> {
  const handler = Object.hasOwn(ENGINE_JOBS, job.name) ? ENGINE_JOBS[job.name] : undefined;
  if (!handler) return Promise.reject(new PermanentJobError(`No handler for job ${job.name}`));
  return handler(parts, job);
}
