export { OAuthFlows } from './oauth-flows.js';
export type { OAuthParts } from './oauth-parts.js';
export type { CallerContext } from '../kernel/request-context.js';
export type { AuthorizeInput, AuthorizationStarted } from './begin-authorization.js';
export type { CallbackRequest, CallbackResult } from './handle-callback.js';
export type { ExchangeInput } from './exchange-code.js';
export type { OAuthAccountView } from './unlink-account.js';
export { OAuthAccountRepository, type OAuthAccountRow } from './oauth-account-repository.js';
export { createProvider } from './providers/create-provider.js';
export { createOidcProvider, type OidcProviderOptions } from './providers/oidc.js';
export {
  OAuthProviderError,
  type OAuthProvider,
  type OAuthProviderKind,
  type OAuthProviderSettings,
  type AuthorizationRequest,
  type CallbackInput,
  type ProviderIdentity,
} from './providers/types.js';
