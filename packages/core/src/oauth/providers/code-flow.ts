/**
 * The authorization-code flow every adapter runs: the same authorization URL, callback check
 * and code exchange (protocol.ts). An adapter says only what sets its provider apart
 * (`CodeFlow`): its metadata, its scopes, whether it is OpenID Connect, and how a token
 * response becomes an identity.
 */
import type * as oauth from 'oauth4webapi';

import {
  buildAuthorizationUrl,
  checkCallback,
  clientOf,
  requestTokens,
  scopeOf,
  type HttpOptions,
  type ProviderOptions,
} from './protocol.js';
import type { OAuthProvider, OAuthProviderKind, OAuthProviderSettings, ProviderIdentity } from './types.js';

/** One adapter's differences from the common code flow. */
export interface CodeFlow {
  kind: OAuthProviderKind;
  /** The provider as messages name it (`GitHub`, or an OIDC provider's id). */
  name: string;
  /** Scopes always asked for; the configured ones are added. */
  scopes: readonly string[];
  /** OpenID Connect: a `nonce` binds the ID token. Plain OAuth 2.0 (GitHub) has no ID token. */
  openIdConnect: boolean;
  /** The provider's metadata: pinned, or discovered (see `loadOnce`). */
  metadata: () => Promise<oauth.AuthorizationServer>;
  /** Every call to the provider goes through these (timeout, injected fetch). */
  http: HttpOptions;
  /** From the code exchange's answer to who signed in. */
  identity: (tokens: TokenResponse) => Promise<ProviderIdentity>;
}

/** The code exchange's answer, with what reading it needs. */
export interface TokenResponse {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  response: Response;
  /** The nonce the authorization URL carried (OpenID Connect). */
  nonce: string;
}

export function codeFlowProvider(
  id: string,
  settings: OAuthProviderSettings,
  options: ProviderOptions,
  flow: CodeFlow,
): OAuthProvider {
  const scope = scopeOf(flow.scopes, settings.scopes);
  return {
    id,
    kind: flow.kind,
    async authorizationUrl(request) {
      return buildAuthorizationUrl(await flow.metadata(), settings, scope, request, flow.openIdConnect);
    },
    async exchange(callback) {
      const as = await flow.metadata();
      const client = clientOf(settings, options);
      const params = checkCallback(as, client, callback, flow.name);
      const response = await requestTokens(as, client, settings, params, callback, flow.http, flow.name);
      return flow.identity({ as, client, response, nonce: callback.nonce });
    },
  };
}

/**
 * Loaded on first use and kept (discovered metadata, one per provider); a failure is not
 * kept, so the next sign-in tries again.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}
