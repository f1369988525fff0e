import { staleSignIn } from '../../access/index.js';
import type { RequestContext } from '../../kernel/request-context.js';
import type { SignedIn } from '../../kernel/signed-in.js';
import type { MfaFlowParts } from '../mfa-parts.js';
import { fail, origin, type Outcome } from '../../kernel/outcome.js';
import { issueBackupCodes } from '../backup-codes.js';
import { spendFailureBudget } from '../failure-budget.js';
import { factorsChanged } from '../manage-factors.js';
import { activeUser } from '../../accounts/active-user.js';
import { smsFactorOf, smsUnavailable } from './sms-access.js';

/**
 * POST /auth/mfa/sms/confirm { code } (a recent sign-in first): the code sent at setup
 * proves the number reaches the user (and is used up). A wrong code counts toward the
 * account's MFA failure budget like any second-factor code. On success the factor is on; when
 * it is the account's first factor a fresh backup-code set is shown once (API.md: backup codes
 * come with the first factor), otherwise `backupCodes` is empty and the saved set stays valid.
 * Then, as for TOTP: account version bumped, every other session ended, the address told.
 */
export async function confirmSms(
  parts: MfaFlowParts,
  who: SignedIn,
  code: string,
  ctx: RequestContext,
): Promise<Outcome<{ backupCodes: string[] }>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const sms = smsFactorOf(parts);
  if (!sms) return smsUnavailable();
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
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
  const backupCodes = firstFactor ? await issueBackupCodes(parts, user.id) : [];
  await factorsChanged(parts, user, who, 'sms_enabled', ctx);
  return { ok: true, backupCodes };
}
