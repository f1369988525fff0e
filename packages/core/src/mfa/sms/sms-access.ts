import { fail, type Failure } from '../../kernel/outcome.js';
import type { MfaFlowParts } from '../mfa-parts.js';
import { SmsFactor } from './sms-factor.js';

/** The SMS factor when an SMS transport is configured. */
export function smsFactorOf(parts: MfaFlowParts): SmsFactor | undefined {
  return parts.smsCodes instanceof SmsFactor ? parts.smsCodes : undefined;
}

/** API answer when no SMS transport is configured (production default): a clear 403. */
export const smsUnavailable = (): Failure => fail('forbidden', { reason: 'sms_unavailable' });
