import { createGithubProvider } from './github.js';
import { createGoogleProvider } from './google.js';
import { createMicrosoftProvider } from './microsoft.js';
import { createOidcProvider, type OidcProviderOptions } from './oidc.js';
import type { OAuthProvider, OAuthProviderSettings } from './types.js';

/** The adapter for one configured provider (config `oauth.providers[id]`). */
export function createProvider(
  id: string,
  settings: OAuthProviderSettings,
  options: OidcProviderOptions = {},
): OAuthProvider {
  switch (settings.kind) {
    case 'google':
      return createGoogleProvider(id, settings, options);
    case 'github':
      return createGithubProvider(id, settings, options);
    case 'microsoft':
      return createMicrosoftProvider(id, settings, options);
    case 'oidc':
      return createOidcProvider(id, settings, options);
  }
}
