import { CliFailure } from '../secure-files/errors.js';
import { recordEvent } from '../totp/context.js';
import { forgetSession } from './active-session.js';
import type { RemoteContext } from './context.js';
import { ServerProblem } from './http.js';
import { SignedIn } from './signed-in.js';

/** A row of GET /sessions (API.md). */
interface ServerSession {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  userAgent: string;
  amr: string[];
}

/**
 * `gatehouse sessions`: one line per session of the account, tab-separated: `*` for this
 * one (blank otherwise), id, last seen, created, IP, sign-in methods, client.
 */
export async function listSessions(context: RemoteContext): Promise<number> {
  const client = await SignedIn.open(context);
  for (const session of await fetchSessions(client)) {
    const { id, lastSeenAt, createdAt, ip, amr, userAgent } = session;
    context.out.info(
      [session.current ? '*' : ' ', id, lastSeenAt, createdAt, ip, amr.join(','), userAgent].join('\t'),
    );
  }
  return 0;
}

/** `gatehouse sessions revoke <id>`; revoking this very session is a logout. */
export async function revokeSession(context: RemoteContext, id: string): Promise<number> {
  const client = await SignedIn.open(context);
  const { server, email, sessionId } = client.header;
  try {
    await client.call('DELETE', `/sessions/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof ServerProblem && (error.code === 'not_found' || error.code === 'validation_error'))
      throw new CliFailure(`no session ${id} among yours; see gatehouse sessions`);
    throw error;
  }
  const current = id === sessionId;
  await recordEvent(context, { event: 'server.sessions_revoked', server, email, count: 1, current });
  if (!current) {
    context.out.error(`Revoked session ${id}.`);
    return 0;
  }
  await forgetSession(context, sessionId);
  context.out.error(`Revoked session ${id}: that was this one, so you are signed out here too.`);
  return 0;
}

/** `gatehouse sessions revoke --others`: every session of the account but this one. */
export async function revokeOtherSessions(context: RemoteContext): Promise<number> {
  const client = await SignedIn.open(context);
  const { server, email } = client.header;
  const others = (await fetchSessions(client)).filter((session) => !session.current).length;
  await client.call('DELETE', '/sessions');
  await recordEvent(context, {
    event: 'server.sessions_revoked',
    server,
    email,
    count: others,
    others: true,
  });
  context.out.error(others === 1 ? 'Revoked 1 other session.' : `Revoked ${others} other sessions.`);
  return 0;
}

async function fetchSessions(client: SignedIn): Promise<ServerSession[]> {
  const { body } = await client.call('GET', '/sessions');
  const sessions = (body as { sessions?: unknown } | undefined)?.sessions;
  if (!Array.isArray(sessions) || !sessions.every(isSession))
    throw new CliFailure(`${client.header.server} does not look like a Gatehouse server (unexpected answer)`);
  return sessions;
}

function isSession(value: unknown): value is ServerSession {
  const session = value as Partial<ServerSession> | undefined;
  return (
    typeof session?.id === 'string' && typeof session.current === 'boolean' && Array.isArray(session.amr)
  );
}
