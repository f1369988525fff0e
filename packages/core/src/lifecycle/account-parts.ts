import type { ClaimParts } from '../accounts/claim-account.js';
import type { Deliverer } from '../delivery/deliverer.js';
import type { RequestLimits } from '../limits/request-limits.js';
import type { MfaFlowParts } from '../mfa/index.js';
import type { OneTimeSecrets } from '../one-time/one-time-secrets.js';
import type { SignInParts } from '../signin/index.js';

/**
 * What the account lifecycle (verification, reset, change, deletion, profile) uses: sign-in's
 * parts (passwords, throttles, sessions), second factors, account claiming, one-time secrets
 * and mail.
 */
export type AccountParts = SignInParts &
  MfaFlowParts &
  ClaimParts & {
    secrets: OneTimeSecrets;
    limits: RequestLimits;
    deliver: Deliverer;
  };
