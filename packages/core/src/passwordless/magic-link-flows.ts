import type { Outcome, SignInResult } from '../kernel/outcome.js';
import type { RequestContext } from '../kernel/request-context.js';
import { requestMagicLink, verifyMagicLink, type MagicLinkRequest } from './magic-link.js';
import type { MagicLinkParts } from './magic-link-parts.js';

/** `engine.magicLinks`: passwordless sign-in by email (API.md "/auth/magic-link*"). */
export class MagicLinkFlows {
  constructor(private readonly parts: MagicLinkParts) {}

  /** Always ok for any address (the worker decides whether a link is sent). */
  request(input: MagicLinkRequest, ctx: RequestContext): Promise<Outcome<object>> {
    return requestMagicLink(this.parts, input, ctx);
  }

  /** Consumes the link: tokens, or an MFA challenge when the account has a second factor. */
  verify(token: string, ctx: RequestContext): Promise<SignInResult> {
    return verifyMagicLink(this.parts, token, ctx);
  }
}
