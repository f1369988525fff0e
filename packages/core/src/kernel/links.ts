import { AuthError } from '../errors/auth-error.js';

/**
 * The absolute URLs the engine writes into mails and into redirects to OAuth providers.
 * They belong to whoever serves HTTP (the server passes them as `AuthEngineOptions.links`),
 * so the engine never knows a route.
 */
export interface EngineLinks {
  /** The page an emailed magic link opens; the engine appends `?token=…[&redirectTo=…]`. */
  magicLinkConfirm: string;
  /** The exact redirect URI registered at the provider with this id. */
  oauthCallback(providerId: string): string;
}

/** The links, or a stop: an engine built without them cannot address a mail or a provider. */
export function linksOf(parts: { links?: EngineLinks | undefined }): EngineLinks {
  if (!parts.links) {
    throw new AuthError('internal_error', 'The engine has no links: pass AuthEngineOptions.links');
  }
  return parts.links;
}
