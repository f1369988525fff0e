import { sameHash } from '../sessions/device.js';
import { completeSignIn } from '../signin/index.js';
import type { OAuthFlowParts } from './oauth-parts.js';
import { fail, origin, type SignInResult } from '../kernel/outcome.js';
import { DEFAULT_TENANT } from '../kernel/tenant.js';
import { hitOAuthLimit } from './oauth-parts.js';
import { contextIn, type CallerContext } from '../kernel/request-context.js';
import { CODE_VERIFIER_FORMAT, s256 } from './secrets.js';

export interface ExchangeInput {
  code: string;
  /** The app's PKCE verifier, whose S256 it sent to `authorize` as `codeChallenge`. */
  codeVerifier: string;
}

/**
 * POST /oauth/exchange: rate limit → the code used up (single use, 60 s; a wrong verifier
 * burns it too, so a stolen code cannot be tried against guesses) → its tenant → the app's
 * PKCE verifier → the account → the one sign-in pipeline with amr `fed`: account state, then
 * tokens or an MFA challenge. Every refusal of the code reads alike: invalid_or_expired_token.
 */
export async function exchangeOAuthCode(
  parts: OAuthFlowParts,
  input: ExchangeInput,
  caller: CallerContext,
): Promise<SignInResult> {
  const flows = parts.oauth;
  const limit = await hitOAuthLimit(flows, 'exchange', caller.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  const grant = await flows.exchangeCodes.take(input.code);
  const ctx = grant && contextIn(caller, grant.tenant);
  const refuse = (reason: string, userId?: string) => {
    const tenant = ctx?.tenant ?? caller.namedTenant ?? DEFAULT_TENANT;
    parts.audit.emit({
      type: 'oauth.exchange_failed',
      tenant,
      userId,
      reason,
      ...origin({ ...caller, tenant }),
    });
    return fail('invalid_or_expired_token');
  };
  if (!grant || !ctx) return refuse(grant ? 'tenant_mismatch' : 'unknown_code');
  const verified =
    CODE_VERIFIER_FORMAT.test(input.codeVerifier) && sameHash(s256(input.codeVerifier), grant.codeChallenge);
  if (!verified) return refuse('pkce_mismatch', grant.userId);
  const user = await parts.users.findById(ctx.tenant, grant.userId);
  if (!user || user.status === 'deleted') return refuse('unknown_user', grant.userId);
  return completeSignIn(parts, user, ['fed'], ctx);
}
