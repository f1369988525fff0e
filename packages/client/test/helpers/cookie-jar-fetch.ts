import type { FetchLike } from '../../src/index.js';

/**
 * Node's fetch with the one thing a browser adds that cookie mode needs: a cookie jar (name →
 * value; paths, domains and expiry dates beyond "cleared" do not matter against one server).
 */
export function cookieJarFetch(): { fetch: FetchLike; jar: Map<string, string> } {
  const jar = new Map<string, string>();
  const fetchWithJar: FetchLike = async (url, init) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers });
    for (const raw of response.headers.getSetCookie()) {
      const [pair = ''] = raw.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      if (/;\s*max-age=0/i.test(raw) || /;\s*expires=Thu, 01 Jan 1970/i.test(raw)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  return { fetch: fetchWithJar, jar };
}
