import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider (panva's oidc-provider) on a loopback port, for the OAuth tests.
 * Gatehouse talks to it over real HTTP (discovery, token, JWKS, userinfo); the tests play the
 * browser with `signIn`, which follows the provider's redirects and finishes its login and
 * consent interaction programmatically (the account to sign in is named per request).
 *
 * `tamper` rewrites the ID tokens the token endpoint hands out (claims changed, then signed
 * again with the provider's own key, or with a stranger's), standing in for a malicious or
 * mixed-up provider: each check of the ID token can then be made to fail on its own.
 */
export interface TestIdp {
  issuer: string;
  /** Accounts by subject: the claims the provider releases. */
  accounts: Map<string, AccountClaims>;
  /** Applied to every ID token until set back to null. */
  tamper: IdTokenTamper | null;
  /** Plays the browser from the authorization URL to the redirect back to Gatehouse. */
  signIn(authorizationUrl: string, account: string, options?: { deny?: boolean }): Promise<URL>;
  close(): Promise<void>;
}

export interface AccountClaims {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface IdTokenTamper {
  claims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** Sign with another key under the provider's `kid` (a forged token). */
  forgeSignature?: boolean;
}

export const CLIENT_ID = 'gatehouse';
export const CLIENT_SECRET = 'gatehouse-test-secret';
const KID = 'test-idp-key';

export async function startTestIdp(redirectUris: string[]): Promise<TestIdp> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const accounts = new Map<string, AccountClaims>();
  const idp = { tamper: null as IdTokenTamper | null };
  // The issuer names the port, so the server listens before the provider exists.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: redirectUris,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['test-idp-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx: unknown, sub: string) => {
      const claims = accounts.get(sub);
      return claims && { accountId: sub, claims: () => ({ sub, ...claims }) };
    },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 3600,
      Interaction: 600,
      Session: 600,
    },
  });

  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      finishInteraction(provider, req, res).catch(() => res.writeHead(500).end());
      return;
    }
    if (req.method === 'POST' && req.url === '/token' && idp.tamper) {
      rewriteIdToken(res, idp.tamper, idp.tamper.forgeSignature ? stranger : privateKey);
    }
    handle(req, res);
  });
  // The provider answers its own failures with an HTML page; TEST_IDP_DEBUG=1 prints the cause.
  if (process.env.TEST_IDP_DEBUG) {
    provider.on('server_error', (_ctx: unknown, error: unknown) => console.error(error));
  }
  return {
    issuer,
    accounts,
    get tamper() {
      return idp.tamper;
    },
    set tamper(value: IdTokenTamper | null) {
      idp.tamper = value;
    },
    signIn: (url, account, options = {}) => followBrowser(issuer, url, account, options.deny === true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The login and consent prompts in one go: the named account signs in and grants every scope asked. */
async function finishInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  if (req.headers['x-test-deny'] === '1') {
    const denied = { error: 'access_denied', error_description: 'The user said no' };
    return provider.interactionFinished(req, res, denied, { mergeWithLastSubmission: false });
  }
  const accountId = String(req.headers['x-test-account']);
  const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  grant.addOIDCScope(String(details.params.scope));
  const result = { login: { accountId }, consent: { grantId: await grant.save() } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

/** Rewrites the token response's ID token as the provider writes it (Koa ends with the JSON text). */
function rewriteIdToken(res: ServerResponse, tamper: IdTokenTamper, key: KeyObject): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    if (res.statusCode !== 200 || (typeof chunk !== 'string' && !Buffer.isBuffer(chunk))) return end(chunk);
    const body = JSON.parse(chunk.toString()) as { id_token?: string };
    if (body.id_token === undefined) return end(chunk);
    body.id_token = resign(body.id_token, tamper, key);
    const text = JSON.stringify(body);
    res.setHeader('content-length', Buffer.byteLength(text));
    return end(text);
  }) as typeof res.end;
}

function resign(jwt: string, tamper: IdTokenTamper, key: KeyObject): string {
  const [header = '', payload = ''] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const changed = Buffer.from(JSON.stringify(tamper.claims?.(claims) ?? claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${changed}`), key).toString('base64url');
  return `${header}.${changed}.${signature}`;
}

/** A minimal browser: follows redirects at the provider with its cookies, stops when sent elsewhere. */
async function followBrowser(issuer: string, start: string, account: string, deny: boolean): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  for (let hop = 0; hop < 10; hop++) {
    if (url.origin !== issuer) return url;
    const response = await fetch(url, {
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
        'x-test-account': account,
        ...(deny ? { 'x-test-deny': '1' } : {}),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    if (location === null)
      throw new Error(`the provider answered ${response.status}: ${await response.text()}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects at the provider');
}
