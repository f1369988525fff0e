import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { FactorCheckParts } from './mfa-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { stateKeys } from '../state/keys.js';
import type { AuthMethod } from '../tokens/claims.js';
import { useBackupCode } from './backup-codes.js';
import { spendFailureBudget } from './failure-budget.js';
import type { FactorMethod } from './factor-repository.js';
import { matchTotpStep } from './totp.js';

export interface FactorProof {
  method: string;
  code: string;
}

/** The RFC 8176 `amr` value each factor adds. */
const AMR: Record<string, AuthMethod> = { totp: 'otp', backup_code: 'otp', sms: 'sms' };

/**
 * Checks one second-factor code for an account, as ordered steps: the account's failure
 * budget (counted before the check, so parallel guesses cannot outrun it: API.md "5 wrong
 * codes for an account within 15 minutes → 429, whatever the challenge") → the method must
 * be enrolled → the code (TOTP: ±window steps, and no step accepted twice; backup code:
 * used up atomically). A success gives its slot in the budget back.
 */
export async function verifySecondFactor(
  parts: FactorCheckParts,
  user: UserRow,
  proof: FactorProof,
  ctx: RequestContext,
): Promise<Outcome<{ amr: AuthMethod }>> {
  const budget = await spendFailureBudget(parts, user, ctx);
  if (!budget.ok) return budget;
  const ok = await checkCode(parts, user, proof);
  if (!ok) {
    parts.audit.emit({
      type: 'mfa.failed',
      tenant: ctx.tenant,
      userId: user.id,
      data: { method: proof.method },
      ...origin(ctx),
    });
    return fail('invalid_code');
  }
  await budget.giveBack();
  parts.audit.emit({
    type: 'mfa.verified',
    tenant: ctx.tenant,
    userId: user.id,
    data: { method: proof.method },
    ...origin(ctx),
  });
  return { ok: true, amr: AMR[proof.method] ?? 'otp' };
}

async function checkCode(parts: FactorCheckParts, user: UserRow, proof: FactorProof): Promise<boolean> {
  const method = proof.method as FactorMethod;
  if (method === 'totp') return checkTotp(parts, user, proof.code);
  if (method === 'backup_code') {
    const enrolled = await parts.mfa.factors.enrolledMethods(user.id);
    return (
      enrolled.includes('backup_code') && useBackupCode(parts.mfa.factors, parts.hasher, user.id, proof.code)
    );
  }
  if (method === 'sms' && parts.smsCodes) return parts.smsCodes.check(user, proof.code);
  return false;
}

/** A confirmed TOTP credential's code, each time step accepted once (the replay cache covers the window). */
export async function checkTotp(
  parts: FactorCheckParts,
  user: UserRow,
  code: string,
  options: { allowUnconfirmed?: boolean } = {},
): Promise<boolean> {
  const credential = await parts.mfa.factors.totp(user.id);
  if (!credential || (!credential.confirmed && !options.allowUnconfirmed)) return false;
  const secret = parts.mfa.totpBox.open(credential.sealedSecret, totpAad(user.id, credential.id));
  const { window } = parts.config.mfa.totp;
  const step = matchTotpStep(secret, code, credential.settings, window, parts.clock.now());
  secret.fill(0);
  if (step === null) return false;
  return markTotpStepUsed(parts, user, step, credential.settings.periodSeconds);
}

/** True the first time a step is marked for the user (the enrolment code counts as used too). */
export async function markTotpStepUsed(
  parts: FactorCheckParts,
  user: UserRow,
  step: number,
  periodSeconds: number,
): Promise<boolean> {
  const { window } = parts.config.mfa.totp;
  // Long enough that the step can no longer be valid when the marker expires.
  const ttlMs = (2 * window + 2) * periodSeconds * 1000;
  return parts.mfa.store.set(stateKeys.user(user.tenantId, user.id, 'totp', 'used', String(step)), '1', {
    ttlMs,
    ifAbsent: true,
  });
}

/** The associated data binding a sealed TOTP secret to its user and row. */
export const totpAad = (userId: string, credentialId: string) => `totp:${userId}:${credentialId}`;
