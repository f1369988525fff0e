import type { SignInResult, Outcome, TokenPair } from '../kernel/outcome.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { loginWithPassword, type PasswordLoginInput } from './login-with-password.js';
import { register, type RegisterInput, type RegisterResult } from './register.js';
import type { SignInParts } from './sign-in-parts.js';
import { forSignedInCaller } from '../kernel/signed-in-failure.js';
import { isRecentSignIn } from '../access/recent-sign-in.js';
import { stepUp, type StepUpRequest } from './step-up.js';
import { verifyMfa, type MfaVerifyInput } from './verify-mfa.js';

/**
 * `engine.signIn`: sign-up, password sign-in, the second-factor challenge and step-up.
 * Flows of a signed-in caller answer wrong secrets with 400 codes, never 401 ("token dead").
 */
export class SignInFlows {
  constructor(private readonly parts: SignInParts) {}

  register(input: RegisterInput, ctx: RequestContext): Promise<RegisterResult> {
    return register(this.parts, input, ctx);
  }

  login(input: PasswordLoginInput, ctx: RequestContext): Promise<SignInResult> {
    return loginWithPassword(this.parts, input, ctx);
  }

  /** Finishes a login challenge; a step-up challenge only with `who`, the session it renews. */
  verifyMfa(
    input: MfaVerifyInput,
    ctx: RequestContext,
    who?: SignedIn,
  ): Promise<Outcome<{ tokens: TokenPair }>> {
    return verifyMfa(this.parts, input, ctx, who);
  }

  /** Tokens for the same session, or a step-up challenge when a second factor is due. */
  stepUp(who: SignedIn, input: StepUpRequest, ctx: RequestContext): Promise<SignInResult> {
    return stepUp(this.parts, who, input, ctx).then(forSignedInCaller);
  }

  /** Whether an access token's sign-in is recent enough for a factor or identity change. */
  isRecentSignIn(claims: AccessTokenClaims): boolean {
    const { clock, config } = this.parts;
    return isRecentSignIn(claims.auth_time, clock.now(), config.mfa.stepUpMaxAgeSeconds);
  }
}
