import { recordEvent } from '../totp/context.js';
import { saveSignIn } from './active-session.js';
import type { RemoteContext } from './context.js';
import { askEmail, askPassword } from './credentials.js';
import { ServerProblem, callServer } from './http.js';
import { completeChallenge } from './second-factor.js';
import { revokeQuietly } from './session-ended.js';
import { parseSignIn, sessionFromPair, type TokenPair } from './token-pair.js';

export interface LoginOptions {
  /** Checked already (parseServerUrl). */
  server: string;
  email: string | undefined;
  passwordStdin: boolean;
  /** Vault entry whose code answers a TOTP challenge. */
  totp: string | undefined;
}

/**
 * `gatehouse login`: email and password, then the second factor if the account has one;
 * the tokens are stored (sealed) only once the sign-in is complete. A sign-in it replaces
 * is revoked on its server, so logging in again never leaves a session behind.
 */
export async function signIn(context: RemoteContext, options: LoginOptions): Promise<number> {
  const { server } = options;
  const email = await askEmail(context, options.email);
  const password = await askPassword(context, options.passwordStdin);
  const { pair, factor } = await authenticate(context, options, email, password);
  const previous = await saveSignIn(context, sessionFromPair(server, pair, context.now()));
  await recordEvent(context, {
    event: 'server.login',
    server,
    email: pair.user.email,
    factor,
    sessionId: pair.sessionId,
  });
  context.out.error(`Signed in to ${server} as ${pair.user.email}.`);
  if (previous && previous.header.sessionId !== pair.sessionId) {
    const revoked = await revokeQuietly(previous.header.server, previous.tokens.refreshToken);
    const where = `${previous.header.email} on ${previous.header.server}`;
    context.out.error(
      revoked
        ? `The previous sign-in (${where}) was signed out.`
        : `The previous sign-in (${where}) was forgotten here, but its server could not be reached to end it.`,
    );
  }
  return 0;
}

/** The TokenPair of a complete sign-in; a refusal is audited as login_failed (never with what was typed). */
async function authenticate(
  context: RemoteContext,
  { server, totp }: LoginOptions,
  email: string,
  password: string,
): Promise<{ pair: TokenPair; factor: string }> {
  try {
    const answer = await callServer(server, 'POST', '/auth/login', { body: { email, password } });
    const first = parseSignIn(server, answer.body);
    if (!('challengeId' in first)) {
      if (totp !== undefined) context.out.error('(No second factor was asked for: --totp was not needed.)');
      return { pair: first, factor: 'password' };
    }
    const second = await completeChallenge(context, server, first, totp);
    return { pair: second.pair, factor: second.method };
  } catch (error) {
    if (error instanceof ServerProblem) {
      await recordEvent(context, { event: 'server.login_failed', server, email, reason: error.code });
    }
    throw error;
  }
}
