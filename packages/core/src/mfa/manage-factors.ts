import { staleSignIn } from '../access/index.js';
import { activeUser } from '../accounts/active-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import { NOTICE_JOB } from '../accounts/notice-job.js';
import type { MfaFlowParts } from './mfa-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { issueBackupCodes } from './backup-codes.js';
import { spendFailureBudget } from './failure-budget.js';
import { base32Of, matchTotpStep, newTotpSecret, qrSvg, totpUri } from './totp.js';
import {
  checkTotp,
  markTotpStepUsed,
  totpAad,
  verifySecondFactor,
  type FactorProof,
} from './verify-factor.js';

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/**
 * POST /auth/mfa/totp/setup (a recent sign-in first): a new secret, sealed at rest,
 * pending until confirmed with a first code. Refused (409) while a confirmed TOTP exists.
 */
export async function setupTotp(
  parts: MfaFlowParts,
  who: SignedIn,
  ctx: RequestContext,
): Promise<Outcome<TotpSetup>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const { totp: settings } = parts.config.mfa;
  const secret = newTotpSecret(settings, parts.random);
  const id = parts.random.uuid();
  const sealed = parts.mfa.totpBox.seal(secret, totpAad(user.id, id));
  const saved = await parts.mfa.factors.savePendingTotp(user.id, id, sealed, {
    algorithm: settings.algorithm,
    digits: settings.digits,
    periodSeconds: settings.periodSeconds,
  });
  if (!saved) return fail('conflict');
  const otpauthUrl = totpUri(secret, settings, settings.issuer, user.email);
  const setup = { secret: base32Of(secret), otpauthUrl, qrSvg: await qrSvg(otpauthUrl) };
  secret.fill(0);
  parts.audit.emit({ type: 'mfa.totp_setup_started', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  return { ok: true, ...setup };
}

/**
 * POST /auth/mfa/totp/confirm: the first code proves the app has the secret (and counts as
 * used); the factor is on, a fresh backup-code set is shown once, the account version bumped,
 * every other session ended, and the address told.
 */
export async function confirmTotp(
  parts: MfaFlowParts,
  who: SignedIn,
  code: string,
  ctx: RequestContext,
): Promise<Outcome<{ backupCodes: string[] }>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  const pending = user && (await parts.mfa.factors.totp(user.id));
  if (!user || !pending || pending.confirmed) return fail('invalid_code');
  const budget = await spendFailureBudget(parts, user, ctx);
  if (!budget.ok) return budget;
  const secret = parts.mfa.totpBox.open(pending.sealedSecret, totpAad(user.id, pending.id));
  const step = matchTotpStep(secret, code, pending.settings, parts.config.mfa.totp.window, parts.clock.now());
  secret.fill(0);
  if (step === null || !(await markTotpStepUsed(parts, user, step, pending.settings.periodSeconds))) {
    return fail('invalid_code');
  }
  await budget.giveBack();
  if (!(await parts.mfa.factors.confirmTotp(user.id, pending.id))) return fail('invalid_code');
  const backupCodes = await issueBackupCodes(parts, user.id);
  await factorsChanged(parts, user, who, 'totp_enabled', ctx);
  return { ok: true, backupCodes };
}

/**
 * POST /auth/mfa/disable { method, code }: a valid code of the account's factors; removing
 * the last factor also drops the backup codes.
 */
export async function disableFactor(
  parts: MfaFlowParts,
  who: SignedIn,
  proof: FactorProof,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const methods = await parts.mfa.factors.enrolledMethods(user.id);
  if (!['totp', 'sms'].includes(proof.method) || !methods.includes(proof.method as never))
    return fail('not_found');
  const verified = await verifySecondFactor(parts, user, proof, ctx);
  if (!verified.ok) return verified;
  await parts.mfa.factors.remove(user.id, [proof.method]);
  const remaining = await parts.mfa.factors.enrolledMethods(user.id);
  if (!remaining.some((method) => method !== 'backup_code'))
    await parts.mfa.factors.remove(user.id, ['backup_code']);
  await factorsChanged(parts, user, who, `${proof.method}_disabled`, ctx);
  return { ok: true };
}

/** POST /auth/mfa/backup-codes { code }: a TOTP code, then a new set; the old set dies. */
export async function regenerateBackupCodes(
  parts: MfaFlowParts,
  who: SignedIn,
  code: string,
  ctx: RequestContext,
): Promise<Outcome<{ backupCodes: string[] }>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const verified = await verifySecondFactor(parts, user, { method: 'totp', code }, ctx);
  if (!verified.ok) return verified;
  const backupCodes = await issueBackupCodes(parts, user.id);
  parts.audit.emit({
    type: 'mfa.backup_codes_regenerated',
    tenant: ctx.tenant,
    userId: user.id,
    ...origin(ctx),
  });
  await notifyMfaChanged(parts, user, 'backup_codes_regenerated', ctx);
  return { ok: true, backupCodes };
}

/** DELETE /admin/users/:id/mfa: every factor gone, every session ended, the user told. */
export async function resetFactors(
  parts: MfaFlowParts,
  tenant: string,
  userId: string,
  ctx: RequestContext,
  actor?: string,
): Promise<boolean> {
  const user = await parts.users.findById(tenant, userId);
  if (!user || user.status === 'deleted') return false;
  await parts.mfa.factors.remove(user.id, ['totp', 'backup_code', 'sms']);
  await parts.passkeys?.repository.removeAll(tenant, user.id);
  await parts.users.bumpAccountVersion(tenant, user.id);
  await parts.sessions.revokeUserSessions(tenant, user.id, { reason: 'mfa_reset', ctx, actor });
  parts.audit.emit({
    type: 'mfa.reset_by_admin',
    tenant,
    userId: user.id,
    ...origin(ctx),
    ...(actor ? { data: { actor } } : {}),
  });
  await notifyMfaChanged(parts, user, 'reset_by_admin', { ...ctx, tenant });
  return true;
}

export { checkTotp };

/**
 * After a factor was added or removed (TOTP, SMS, passkey): bump av, end every other
 * session, audit `<auditPrefix>.<change>`, and tell the address (mail `mfa_changed`).
 */
export async function factorsChanged(
  parts: MfaFlowParts,
  user: UserRow,
  who: SignedIn,
  change: string,
  ctx: RequestContext,
  auditPrefix = 'mfa',
): Promise<void> {
  await parts.users.bumpAccountVersion(ctx.tenant, user.id);
  await parts.sessions.revokeUserSessions(ctx.tenant, user.id, {
    except: who.sessionId,
    reason: 'mfa_changed',
    ctx,
  });
  parts.audit.emit({ type: `${auditPrefix}.${change}`, tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  await notifyMfaChanged(parts, user, change, ctx);
}

async function notifyMfaChanged(parts: MfaFlowParts, user: UserRow, change: string, ctx: RequestContext) {
  await parts.jobs.enqueue(NOTICE_JOB, {
    tenant: ctx.tenant,
    userId: user.id,
    template: 'mfa_changed',
    change,
    ip: ctx.ip,
    time: new Date(parts.clock.now()).toISOString(),
  });
}
