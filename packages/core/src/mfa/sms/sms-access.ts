import type { UserRow } from '../../accounts/user-repository.js';
import { fail, type Failure } from '../../kernel/outcome.js';
import type { RequestContext } from '../../kernel/request-context.js';
import type { SignedIn } from '../../kernel/signed-in.js';
import type { MfaFlowParts } from '../mfa-parts.js';
import { SmsFactor } from './sms-factor.js';

/** The SMS factor when an SMS transport is configured. */
export function smsFactorOf(parts: MfaFlowParts): SmsFactor | undefined {
  return parts.smsCodes instanceof SmsFactor ? parts.smsCodes : undefined;
}

/** API answer when no SMS transport is configured (production default): a clear 403. */
export const smsUnavailable = (): Failure => fail('forbidden', { reason: 'sms_unavailable' });

/** The signed-in user's account, if it is still active. */
export async function activeUser(
  parts: MfaFlowParts,
  who: SignedIn,
  ctx: RequestContext,
): Promise<UserRow | undefined> {
  const user = await parts.users.findById(ctx.tenant, who.userId);
  return user?.status === 'active' ? user : undefined;
}
