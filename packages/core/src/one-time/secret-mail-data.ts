import type { IssuedSecret, SecretSettings } from './one-time-secrets.js';

/** The template variables for an issued secret: a link for `token`, a code (and its id) otherwise. */
export function secretMailData(
  issued: IssuedSecret,
  settings: SecretSettings,
  pageUrl: string,
  idName: 'verificationId' | 'resetId',
): Record<string, string | number> {
  const expiresInMinutes = Math.round(issued.ttlSeconds / 60);
  if (issued.token !== undefined) {
    return { token: issued.token, url: `${pageUrl}?token=${issued.token}`, expiresInMinutes };
  }
  const code = issued.code ?? '';
  return settings.strategy === 'uuid'
    ? { code, [idName]: issued.challengeId, expiresInMinutes }
    : { code, expiresInMinutes };
}
