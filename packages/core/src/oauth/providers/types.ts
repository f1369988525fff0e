/**
 * An OAuth 2.0 / OpenID Connect provider as the sign-in flows see it. Each adapter (Google,
 * GitHub, Microsoft, generic OIDC by discovery) builds the authorization URL and turns a
 * callback into a verified identity; the flows own state, nonce, PKCE storage, cookies and
 * account mapping. Adapters use `oauth4webapi` for every protocol step.
 */
export interface OAuthProvider {
  /** The configured id (`google`, `github`, `microsoft`, or an OIDC provider's id). */
  readonly id: string;
  readonly kind: OAuthProviderKind;

  /** Where to send the browser: code flow, PKCE S256, `state`, and `nonce` for OIDC providers. */
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;

  /**
   * Validates the callback (`state` already matched by the caller, but passed so the library
   * can check it and the `iss` parameter), exchanges the code with the PKCE verifier, verifies
   * the ID token (signature, exact `iss`, `aud`, `nonce`, `exp`) where there is one, and reads
   * the identity (userinfo / GitHub's emails API where needed). Throws `OAuthProviderError`
   * for anything the provider or the response got wrong.
   */
  exchange(callback: CallbackInput): Promise<ProviderIdentity>;
}

export type OAuthProviderKind = 'google' | 'github' | 'microsoft' | 'oidc';

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

export interface CallbackInput {
  /** The full callback URL as received (query parameters included). */
  callbackUrl: URL;
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Who the provider says signed in. */
export interface ProviderIdentity {
  /** Stable subject at this provider (never the email). */
  subject: string;
  email: string | null;
  /** True only when the provider vouches for the address and is trusted to (see each adapter). */
  emailVerified: boolean;
  name: string | null;
}

/** The provider or its response is wrong (bad state, nonce, issuer, audience, signature...). */
export class OAuthProviderError extends Error {
  override readonly name = 'OAuthProviderError';
  constructor(
    /** Stable machine reason for audit and the `error=` redirect parameter. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One provider's settings (config `oauth.providers[id]`). */
export interface OAuthProviderSettings {
  kind: OAuthProviderKind;
  clientId: string;
  clientSecret: string;
  /** OIDC issuer (generic OIDC: required; Microsoft: the tenant-specific or common endpoint). */
  issuer?: string | undefined;
  /** Extra scopes beyond each adapter's defaults. */
  scopes: string[];
}
