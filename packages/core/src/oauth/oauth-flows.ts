import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { OAuthFlowParts } from './oauth-parts.js';
import type { Outcome, SignInResult } from '../kernel/outcome.js';
import { beginAuthorization, type AuthorizationStarted, type AuthorizeInput } from './begin-authorization.js';
import { exchangeOAuthCode, type ExchangeInput } from './exchange-code.js';
import { handleCallback, type CallbackRequest, type CallbackResult } from './handle-callback.js';
import { beginLink } from './link-account.js';
import type { CallerContext } from '../kernel/request-context.js';
import { listOAuthAccounts, unlinkOAuthAccount, type OAuthAccountView } from './unlink-account.js';

/**
 * The OAuth / OpenID Connect flows of an engine (`engine.oauth`), API.md "OAuth / social
 * login". Steps whose credential names its tenant (callback, exchange) take a CallerContext.
 */
export class OAuthFlows {
  constructor(private readonly parts: OAuthFlowParts) {}

  /** GET /oauth/:provider/authorize: the provider URL and the browser binding (cookie value). */
  authorize(
    providerId: string,
    input: AuthorizeInput,
    ctx: RequestContext,
  ): Promise<Outcome<AuthorizationStarted>> {
    return beginAuthorization(this.parts, providerId, input, ctx);
  }

  /** POST /oauth/:provider/link (a recent sign-in first). */
  beginLink(
    who: SignedIn,
    providerId: string,
    input: { redirectTo: string },
    ctx: RequestContext,
  ): Promise<Outcome<AuthorizationStarted>> {
    return beginLink(this.parts, who, providerId, input, ctx);
  }

  /** GET /oauth/:provider/callback: where to send the browser, or a failure answered in place. */
  callback(request: CallbackRequest, caller: CallerContext): Promise<CallbackResult> {
    return handleCallback(this.parts, request, caller);
  }

  /** POST /oauth/exchange: tokens or an MFA challenge. */
  exchange(input: ExchangeInput, caller: CallerContext): Promise<SignInResult> {
    return exchangeOAuthCode(this.parts, input, caller);
  }

  listAccounts(who: SignedIn, ctx: RequestContext): Promise<OAuthAccountView[]> {
    return listOAuthAccounts(this.parts, who, ctx);
  }

  /** DELETE /oauth/accounts/:id (a recent sign-in first). */
  unlink(who: SignedIn, id: string, ctx: RequestContext): Promise<Outcome<object>> {
    return unlinkOAuthAccount(this.parts, who, id, ctx);
  }
}
