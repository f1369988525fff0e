import { forgetSession, renewSession, useSession } from './active-session.js';
import type { RemoteContext } from './context.js';
import { ServerProblem, callServer, type Answer } from './http.js';
import type { SessionHeader, StoredSession } from './sealed-session.js';
import { reportEnding } from './session-ended.js';

/**
 * Calls to the server as the signed-in user. The access token is refreshed before it
 * expires (useSession) and once more if the server refuses it anyway (a clock far off, a
 * key rotation); a second refusal, or a refused refresh, means the server session is gone:
 * the local sign-in is deleted and the command says so.
 */
export class SignedIn {
  private constructor(
    private readonly context: RemoteContext,
    private session: StoredSession,
  ) {}

  static async open(context: RemoteContext): Promise<SignedIn> {
    return new SignedIn(context, await useSession(context));
  }

  get header(): SessionHeader {
    return this.session.header;
  }

  /** The refresh token, for POST /auth/logout. */
  get refreshToken(): string {
    return this.session.tokens.refreshToken;
  }

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const rejected = this.session.tokens.accessToken;
    try {
      return await this.send(method, path, body);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
    }
    this.session = await renewSession(this.context, rejected);
    try {
      return await this.send(method, path, body);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      await forgetSession(this.context, this.session.header.sessionId);
      throw await reportEnding(this.context, {
        kind: 'revoked',
        header: this.session.header,
        code: error.code,
      });
    }
  }

  private send(method: string, path: string, body: unknown): Promise<Answer> {
    const { server } = this.session.header;
    return callServer(server, method, path, { token: this.session.tokens.accessToken, body });
  }
}

/** The access token refused (not, say, a wrong code on a route that checks one). */
function isUnauthorized(error: unknown): error is ServerProblem {
  return error instanceof ServerProblem && (error.code === 'invalid_token' || error.code === 'unauthorized');
}
