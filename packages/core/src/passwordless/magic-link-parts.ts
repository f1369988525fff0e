import type { ClaimParts } from '../accounts/claim-account.js';
import type { Deliverer } from '../delivery/deliverer.js';
import type { EngineLinks } from '../kernel/links.js';
import type { RequestLimits } from '../limits/request-limits.js';
import type { OneTimeSecrets } from '../one-time/one-time-secrets.js';
import type { SignInParts } from '../signin/index.js';

/** What magic links use: sign-in's parts, account claiming, one-time secrets, mail, the links. */
export type MagicLinkParts = SignInParts &
  ClaimParts & {
    secrets: OneTimeSecrets;
    limits: RequestLimits;
    deliver: Deliverer;
    links?: EngineLinks | undefined;
  };
