import type { EngineLinks } from '@gatehouse/core';

/** The OAuth area (app.ts mounts it here); providers call back under it. */
export const OAUTH_PATH = '/api/v1/oauth';

/** The page an emailed magic link opens (routes/auth/magic-link.ts, under the auth area). */
export const MAGIC_LINK_CONFIRM_PATH = '/api/v1/auth/magic-link/confirm';

/**
 * The server's URLs the engine writes into mails and provider redirects, under the public
 * URL: the engine knows no routes, so whoever builds it for this server passes these.
 */
export function engineLinks(publicUrl: string): EngineLinks {
  return {
    magicLinkConfirm: `${publicUrl}${MAGIC_LINK_CONFIRM_PATH}`,
    oauthCallback: (providerId) => `${publicUrl}${OAUTH_PATH}/${providerId}/callback`,
  };
}
