/**
 * GitHub: plain OAuth 2.0 (no ID token, so no nonce) with PKCE S256.
 *
 * Identity: subject = the numeric user `id` as a string (the `login` can be renamed and then
 * taken by someone else). Name = `name`, else `login`.
 * Email: only the address that is both `primary` and `verified` in GET /user/emails, and then
 * it is verified. Otherwise email is null: GitHub lets anyone add an unverified address, and
 * passing such text on would invite the flows to treat it as the user's.
 */
import * as oauth from 'oauth4webapi';

import { codeFlowProvider } from './code-flow.js';
import { httpOptions, tokenResponseError, type HttpOptions, type ProviderOptions } from './protocol.js';
import {
  OAuthProviderError,
  type OAuthProvider,
  type OAuthProviderSettings,
  type ProviderIdentity,
} from './types.js';

const SCOPES = ['read:user', 'user:email'];
const API = 'https://api.github.com';
const NAME = 'GitHub';

/** GitHub publishes no metadata; `issuer` is only the key oauth4webapi needs (GitHub sends no `iss`). */
function githubMetadata(): oauth.AuthorizationServer {
  return {
    issuer: 'https://github.com',
    authorization_endpoint: 'https://github.com/login/oauth/authorize',
    token_endpoint: 'https://github.com/login/oauth/access_token',
  };
}

export function createGithubProvider(
  id: string,
  settings: OAuthProviderSettings,
  options: ProviderOptions = {},
): OAuthProvider {
  const as = githubMetadata();
  const http = httpOptions(options);
  return codeFlowProvider(id, settings, options, {
    kind: 'github',
    name: NAME,
    scopes: SCOPES,
    // No ID token, so no nonce: the request's nonce is ignored.
    openIdConnect: false,
    metadata: () => Promise.resolve(as),
    http,
    // oauth4webapi sends Accept: application/json, so GitHub answers JSON instead of a form.
    identity: async ({ client, response }) =>
      githubIdentity(await githubAccessToken(as, client, response), http),
  });
}

async function githubAccessToken(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  response: Response,
): Promise<string> {
  // GitHub answers a bad code with HTTP 200 and { error: 'bad_verification_code' }, which the
  // library would only report as "no access_token": look for the error first.
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as unknown;
  if (isRecord(body) && typeof body.error === 'string') {
    const code = /^[a-z_]{1,64}$/.test(body.error) ? body.error : 'an error';
    throw new OAuthProviderError(
      'token_exchange_failed',
      `the GitHub token endpoint refused the code: ${code}`,
    );
  }
  try {
    return (await oauth.processAuthorizationCodeResponse(as, client, response)).access_token;
  } catch (error) {
    throw tokenResponseError(error, NAME);
  }
}

async function githubIdentity(accessToken: string, http: HttpOptions): Promise<ProviderIdentity> {
  const user = await githubGet(accessToken, '/user', http);
  if (!isRecord(user) || !Number.isSafeInteger(user.id) || typeof user.login !== 'string') {
    throw new OAuthProviderError('userinfo_failed', 'the GitHub user has no numeric id or login');
  }
  const email = primaryVerifiedEmail(await githubEmails(accessToken, http));
  const name = typeof user.name === 'string' && user.name.trim() !== '' ? user.name : user.login;
  return { subject: String(user.id), email, emailVerified: email !== null, name };
}

async function githubEmails(accessToken: string, http: HttpOptions): Promise<unknown[]> {
  // 100 per page (the most GitHub allows): the primary address is then surely on the one page.
  const emails = await githubGet(accessToken, '/user/emails?per_page=100', http).catch(() => undefined);
  if (!Array.isArray(emails)) {
    throw new OAuthProviderError('email_unavailable', 'GitHub did not list the account’s email addresses');
  }
  return emails;
}

function primaryVerifiedEmail(emails: readonly unknown[]): string | null {
  const primary = emails.find(
    (entry) => isRecord(entry) && entry.primary === true && entry.verified === true,
  ) as { email?: unknown } | undefined;
  return typeof primary?.email === 'string' && primary.email !== '' ? primary.email : null;
}

/** GET on the REST API; anything but a 200 with JSON is `userinfo_failed`. */
async function githubGet(accessToken: string, path: string, http: HttpOptions): Promise<unknown> {
  const headers = new Headers({
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    // The REST API refuses requests without a User-Agent.
    'user-agent': 'Gatehouse',
  });
  try {
    const response = await oauth.protectedResourceRequest(
      accessToken,
      'GET',
      new URL(path, API),
      headers,
      null,
      http,
    );
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as unknown;
  } catch {
    throw new OAuthProviderError('userinfo_failed', `the GitHub API answered ${path.split('?')[0]} badly`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
