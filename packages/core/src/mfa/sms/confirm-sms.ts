import type { UserRow } from '../../accounts/user-repository.js';
import type { RequestContext } from '../../context/request-context.js';
import { ACCOUNT_JOBS } from '../../lifecycle/account-jobs.js';
import type { SignedIn } from '../../lifecycle/change-password.js';
import type { AuthEngineParts } from '../../signin/engine-parts.js';
import { fail, origin, type Outcome } from '../../signin/types.js';
import { issueBackupCodes } from '../backup-codes.js';
import { spendFailureBudget } from '../failure-budget.js';
import { activeUser, smsFactorOf, smsUnavailable } from './sms-factor.js';

/**
 * POST /auth/mfa/sms/confirm { code } (step-up checked by the caller): the code sent at setup
 * proves the number reaches the user (and is used up). A wrong code counts toward the
 * account's MFA failure budget like any second-factor code. On success the factor is on; when
 * it is the account's first factor a fresh backup-code set is shown once (API.md: backup codes
 * come with the first factor), otherwise `backupCodes` is empty and the saved set stays valid.
 * Then, as for TOTP: account version bumped, every other session ended, the address told.
 */
export async function confirmSms(
  parts: AuthEngineParts,
  who: SignedIn,
  code: string,
  ctx: RequestContext,
): Promise<Outcome<{ backupCodes: string[] }>> {
  const sms = smsFactorOf(parts);
  if (!sms) return smsUnavailable();
  const user = await activeUser(parts, who, ctx);
  const pending = user && (await sms.credentials.current(user.id));
  if (!user || !pending || pending.confirmed) return fail('invalid_code');
  const budget = await spendFailureBudget(parts, user, ctx);
  if (!budget.ok) return budget;
  if (!(await sms.codes.use('setup', ctx.tenant, user.id, pending.id, code))) {
    parts.audit.emit({
      type: 'mfa.failed',
      tenant: ctx.tenant,
      userId: user.id,
      data: { method: 'sms' },
      ...origin(ctx),
    });
    return fail('invalid_code');
  }
  await budget.giveBack();

  const firstFactor = (await parts.mfa.factors.enrolledMethods(user.id)).length === 0;
  if (!(await sms.credentials.confirm(user.id, pending.id))) return fail('invalid_code');
  const backupCodes = firstFactor
    ? await issueBackupCodes(parts.mfa.factors, parts.hasher, user.id, parts.config.mfa.backupCodeCount)
    : [];
  await smsEnabled(parts, user, who, ctx);
  return { ok: true, backupCodes };
}

/** What enabling a factor does (as `factorsChanged` for TOTP): av bump, other sessions end, audit, notice. */
async function smsEnabled(parts: AuthEngineParts, user: UserRow, who: SignedIn, ctx: RequestContext) {
  await parts.users.bumpAccountVersion(ctx.tenant, user.id);
  await parts.sessions.revokeUserSessions(ctx.tenant, user.id, {
    except: who.sessionId,
    reason: 'mfa_changed',
    ctx,
  });
  parts.audit.emit({ type: 'mfa.sms_enabled', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  await parts.jobs.enqueue(ACCOUNT_JOBS.notice, {
    tenant: ctx.tenant,
    userId: user.id,
    template: 'mfa_changed',
    change: 'sms_enabled',
    ip: ctx.ip,
    time: new Date(parts.clock.now()).toISOString(),
  });
}
