import type { Outcome } from '../kernel/outcome.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import { forSignedInCaller } from '../kernel/signed-in-failure.js';
import type { FactorMethod } from './factor-repository.js';
import {
  confirmTotp,
  disableFactor,
  regenerateBackupCodes,
  resetFactors,
  setupTotp,
  type TotpSetup,
} from './manage-factors.js';
import type { MfaFlowParts } from './mfa-parts.js';
import { confirmSms, sendAccountCode, sendChallengeCode, setupSms } from './sms/index.js';
import type { FactorProof } from './verify-factor.js';

/**
 * `engine.mfa`: enrolling and removing second factors (API.md "MFA, passkeys"). SMS flows
 * answer 403 `forbidden` (reason `sms_unavailable`) when no SMS transport is configured.
 */
export class MfaFlows {
  constructor(private readonly parts: MfaFlowParts) {}

  setupTotp(who: SignedIn, ctx: RequestContext): Promise<Outcome<TotpSetup>> {
    return setupTotp(this.parts, who, ctx);
  }

  confirmTotp(who: SignedIn, code: string, ctx: RequestContext): Promise<Outcome<{ backupCodes: string[] }>> {
    return confirmTotp(this.parts, who, code, ctx).then(forSignedInCaller);
  }

  disableFactor(who: SignedIn, proof: FactorProof, ctx: RequestContext): Promise<Outcome<object>> {
    return disableFactor(this.parts, who, proof, ctx).then(forSignedInCaller);
  }

  regenerateBackupCodes(
    who: SignedIn,
    code: string,
    ctx: RequestContext,
  ): Promise<Outcome<{ backupCodes: string[] }>> {
    return regenerateBackupCodes(this.parts, who, code, ctx).then(forSignedInCaller);
  }

  /** The second factors a user has enrolled (API.md `methods`). */
  enrolledMethods(userId: string): Promise<FactorMethod[]> {
    return this.parts.mfa.factors.enrolledMethods(userId);
  }

  /** Admin: removes every second factor of a user (audited, sessions ended, user told). */
  resetFactors(tenant: string, userId: string, ctx: RequestContext): Promise<boolean> {
    return resetFactors(this.parts, tenant, userId, ctx);
  }

  /** Needs a recent sign-in (403 `step_up_required`): a pending number and a code sent to it; `phone` is masked. */
  setupSms(who: SignedIn, phone: string, ctx: RequestContext): Promise<Outcome<{ phone: string }>> {
    return setupSms(this.parts, who, phone, ctx);
  }

  /** Needs a recent sign-in (403 `step_up_required`): the factor on; backup codes when it is the first factor. */
  confirmSms(who: SignedIn, code: string, ctx: RequestContext): Promise<Outcome<{ backupCodes: string[] }>> {
    return confirmSms(this.parts, who, code, ctx).then(forSignedInCaller);
  }

  /** A sign-in code for a login challenge that offers 'sms'. */
  sendSmsChallengeCode(challengeId: string, ctx: RequestContext): Promise<Outcome<{ phone: string }>> {
    return sendChallengeCode(this.parts, challengeId, ctx);
  }

  /** A sign-in code for a signed-in user (for step-up and disabling the factor). */
  sendSmsCode(who: SignedIn, ctx: RequestContext): Promise<Outcome<{ phone: string }>> {
    return sendAccountCode(this.parts, who, ctx);
  }
}
