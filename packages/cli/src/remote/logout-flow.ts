import { CliFailure } from '../secure-files/errors.js';
import { recordEvent } from '../totp/context.js';
import { forgetSession, peekSession } from './active-session.js';
import type { RemoteContext } from './context.js';
import type { SessionHeader } from './sealed-session.js';
import { SignInEnded } from './session-ended.js';
import { SignedIn } from './signed-in.js';

/**
 * `gatehouse logout`: ends the session on the server (POST /auth/logout), then deletes the
 * local sign-in. The local files go even when the server cannot be reached, since the
 * person asked for this machine to be signed out; the failure is then reported (exit 1),
 * because the server session lives on until it expires or is revoked from elsewhere.
 */
export async function signOut(context: RemoteContext): Promise<number> {
  let header: SessionHeader;
  try {
    ({ header } = await peekSession(context));
  } catch (error) {
    if (!(error instanceof SignInEnded)) throw error;
    context.out.error(`Nothing to sign out of: ${error.reason}.`);
    return 0;
  }
  const failure = await revokeOnServer(context);
  if (failure instanceof SignInEnded) {
    // Already gone on the server: the local files are deleted and the event recorded.
    context.out.error(`Signed out: ${failure.reason}.`);
    return 0;
  }
  const { server, email, sessionId } = header;
  await forgetSession(context, sessionId);
  await recordEvent(context, { event: 'server.logout', server, email, sessionId, revoked: !failure });
  if (failure) {
    throw new CliFailure(
      `signed out here, but the server session was not revoked (${failure.message}); ` +
        'revoke it from another device: gatehouse sessions revoke <id>',
    );
  }
  context.out.error(`Signed out of ${server}.`);
  return 0;
}

/** undefined when revoked; else why not (a session already gone is a SignInEnded). */
async function revokeOnServer(context: RemoteContext): Promise<CliFailure | undefined> {
  try {
    const client = await SignedIn.open(context);
    await client.call('POST', '/auth/logout', { refreshToken: client.refreshToken });
    return undefined;
  } catch (error) {
    // ServerProblem, network failures and SignInEnded are all CliFailures; anything else is a bug.
    if (error instanceof CliFailure) return error;
    throw error;
  }
}
