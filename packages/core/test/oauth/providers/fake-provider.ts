/**
 * Test doubles for provider adapters: a fetch that serves recorded responses and records
 * every request (nothing ever reaches the network), and a key set, under the recorded
 * JWKS's key ids, to sign ID tokens with.
 */
import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A recorded JSON body (an object, except GitHub's email lists). */
export const fixture = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

type Responder = (request: RecordedRequest) => Response;

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** A fetch with routes (`GET https://...`); an unknown route fails as the network would. */
export class FakeFetch {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Responder>();

  on(method: string, url: string, respond: Responder | unknown): this {
    this.routes.set(
      `${method} ${url}`,
      typeof respond === 'function' ? (respond as Responder) : () => jsonResponse(respond),
    );
    return this;
  }

  requestsTo(url: string): RecordedRequest[] {
    return this.requests.filter((request) => request.url.split('?')[0] === url);
  }

  readonly fetch: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = init?.body === undefined || init.body === null ? '' : String(init.body as unknown);
    const request: RecordedRequest = { method: init?.method ?? 'GET', url, headers, body };
    this.requests.push(request);
    const respond = this.routes.get(`${request.method} ${url}`);
    if (respond === undefined) return Promise.reject(new TypeError(`fetch failed: no route for ${url}`));
    return Promise.resolve(respond(request));
  };
}

/** RS256 test keys under the `kid`s of a recorded JWKS, and that JWKS with their moduli. */
export class TestKeys {
  private constructor(
    readonly jwks: { keys: JWK[] },
    private readonly privateKeys: Map<string, CryptoKey>,
  ) {}

  static async forJwks(path: string): Promise<TestKeys> {
    const recorded = fixture(path) as { keys: JWK[] };
    const privateKeys = new Map<string, CryptoKey>();
    const keys: JWK[] = [];
    for (const entry of recorded.keys) {
      const pair = await generateKeyPair('RS256', { extractable: true });
      const { n, e } = await exportJWK(pair.publicKey);
      keys.push({ ...entry, n, e });
      privateKeys.set(entry.kid ?? '', pair.privateKey);
    }
    return new TestKeys({ keys }, privateKeys);
  }

  /** A key that no JWKS publishes, for forged signatures. */
  static async stranger(): Promise<CryptoKey> {
    return (await generateKeyPair('RS256', { extractable: true })).privateKey;
  }

  get firstKid(): string {
    return this.jwks.keys[0]?.kid ?? '';
  }

  /** Signs `claims` as the provider would (RS256, `kid` header), or with `key` under that kid. */
  async sign(claims: Record<string, unknown>, options: { kid?: string; key?: CryptoKey } = {}) {
    const kid = options.kid ?? this.firstKid;
    const key = options.key ?? this.privateKeys.get(kid);
    if (key === undefined) throw new Error(`no test key ${kid}`);
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  }
}

/** Everything a test may not see in any request log or error: secrets and tokens. */
export function expectNoLeak(haystack: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (haystack.includes(secret)) throw new Error(`leaked ${secret.slice(0, 4)}… in: ${haystack}`);
  }
}

/** What the flows pass: a callback URL as the browser brought it back. */
export function callbackUrl(redirectUri: string, params: Record<string, string>): URL {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}
