/** Longer than any sensible app URL; bounds what the mail link and the confirm page carry. */
export const MAX_REDIRECT_LENGTH = 2048;

// Backslashes, whitespace and control characters are parsed differently by different URL
// parsers (a mail client's, a proxy's, the browser's); refusing them leaves one reading.
const AMBIGUOUS = /[\\\s\p{Cc}]/u;

/**
 * `redirectTo` checked against `server.redirectOrigins` (exact scheme, host and port): the
 * canonical absolute URL, or null. Relative and protocol-relative URLs (`//evil.com`),
 * other schemes (`javascript:`), credentials (`https://app@evil.com`) and any origin not
 * listed are refused, so a link of ours never becomes an open redirect.
 */
export function allowedRedirect(value: string, origins: readonly string[]): string | null {
  if (value.length > MAX_REDIRECT_LENGTH || AMBIGUOUS.test(value)) return null;
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
  if (url.username !== '' || url.password !== '') return null;
  return origins.some((origin) => parseUrl(origin)?.origin === url.origin) ? url.href : null;
}

/** `URL.parse` arrived in Node 20.18; the engines field still allows 20.11. */
function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
