import { readFile, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { saveSignIn, useSession } from '../../src/remote/active-session.js';
import { remoteContext, type RemoteContext } from '../../src/remote/context.js';
import { needsRefresh } from '../../src/remote/refresh.js';
import { openSession, sealSession, type StoredSession } from '../../src/remote/sealed-session.js';
import { SignInEnded } from '../../src/remote/session-ended.js';
import { readLogin, writeLogin } from '../../src/remote/session-files.js';
import { tempHome } from '../totp/helpers/cli.js';
import { answer, fakeServer, problem, type FakeServer } from './helpers/fake-server.js';

const quiet = { info: () => undefined, error: () => undefined };

function session(
  server: string,
  refreshToken: string,
  accessToken: string,
  expiresIn: number,
): StoredSession {
  const now = Date.now();
  return {
    header: { server, email: 'a@example.com', userId: 'u1', sessionId: 's1', signedInAt: now, lastUsed: now },
    tokens: { refreshToken, accessToken, accessExpiresAt: now + expiresIn, accessLifetimeMs: 900_000 },
  };
}

function pair(refreshToken: string, accessToken: string) {
  return {
    accessToken,
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: 900,
    sessionId: 's1',
    user: { id: 'u1', email: 'a@example.com' },
  };
}

/** What another process would store after winning a refresh race. */
async function storeAsAnotherProcess(context: RemoteContext, stored: StoredSession): Promise<void> {
  const key = await readFile(context.files.keyFile);
  await writeLogin(context.files, stored, key);
}

async function storedTokens(context: RemoteContext) {
  const stored = await readLogin(context.files);
  if (stored.state !== 'open') return stored.state;
  stored.key.fill(0);
  return stored.session.tokens;
}

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A home signed in to a fake server whose /auth/refresh runs `onRefresh`; the refresh tokens it got. */
async function setUp(
  onRefresh: (context: RemoteContext, token: string, response: ServerResponse) => Promise<void>,
) {
  const home = await tempHome();
  const sent: string[] = [];
  const context = remoteContext(home.env, quiet);
  fake = await fakeServer(async (request, body, response) => {
    if (request.url !== '/api/v1/auth/refresh') return answer(response, ...problem(404, 'not_found'));
    const token = (JSON.parse(body) as { refreshToken: string }).refreshToken;
    sent.push(token);
    await onRefresh(context, token, response);
  });
  // Stored with an access token about to expire: the next use refreshes.
  await saveSignIn(context, session(fake.url, 'rt1.A', 'at-A', 10_000));
  return { context, sent, home };
}

describe('refresh: 409 refresh_conflict', () => {
  it('re-reads the file and uses the token another process stored, without resending the old one', async () => {
    const { context, sent } = await setUp(async (ctx, _token, response) => {
      await storeAsAnotherProcess(ctx, session(fake!.url, 'rt1.B', 'at-B', 600_000));
      answer(response, ...problem(409, 'refresh_conflict'));
    });
    const used = await useSession(context);
    expect(used.tokens.accessToken).toBe('at-B');
    expect(sent).toEqual(['rt1.A']);
    expect(await storedTokens(context)).toMatchObject({ refreshToken: 'rt1.B' });
  });

  it('refreshes with the newer token when the stored one is stale too', async () => {
    const { context, sent } = await setUp(async (ctx, token, response) => {
      if (token === 'rt1.A') {
        await storeAsAnotherProcess(ctx, session(fake!.url, 'rt1.B', 'at-B', 0));
        return answer(response, ...problem(409, 'refresh_conflict'));
      }
      answer(response, 200, pair('rt1.C', 'at-C'));
    });
    expect((await useSession(context)).tokens.accessToken).toBe('at-C');
    expect(sent).toEqual(['rt1.A', 'rt1.B']);
    expect(await storedTokens(context)).toMatchObject({ refreshToken: 'rt1.C', accessToken: 'at-C' });
  });

  it('stops when nobody stored a newer token: the old one is never sent twice', async () => {
    const { context, sent } = await setUp(async (_ctx, _token, response) =>
      answer(response, ...problem(409, 'refresh_conflict')),
    );
    await expect(useSession(context)).rejects.toThrow(
      /another process refreshed this sign-in at the same moment/,
    );
    expect(sent).toEqual(['rt1.A']);
    expect(await storedTokens(context)).toMatchObject({ refreshToken: 'rt1.A' }); // kept: it may still be good
  });

  it('a 401 means the session is gone: local state deleted, event recorded', async () => {
    const { context, home } = await setUp(async (_ctx, _token, response) =>
      answer(response, ...problem(401, 'invalid_refresh_token')),
    );
    const error = await useSession(context).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SignInEnded);
    expect((error as Error).message).toMatch(/^the session was revoked on the server/);
    expect(await storedTokens(context)).toBe('none');
    expect(await readFile(home.auditLog, 'utf8')).toContain('"event":"server.session_revoked_remotely"');
  });

  it('stores the rotated pair before returning it', async () => {
    const { context } = await setUp(async (_ctx, _token, response) =>
      answer(response, 200, pair('rt1.Z', 'at-Z')),
    );
    await useSession(context);
    expect(await storedTokens(context)).toMatchObject({ refreshToken: 'rt1.Z', accessToken: 'at-Z' });
  });
});

describe('the sealed session file', () => {
  it('is refreshed within a minute of expiry, or at half the lifetime of short tokens', () => {
    const tokens = {
      refreshToken: 'r',
      accessToken: 'a',
      accessExpiresAt: 1_000_000,
      accessLifetimeMs: 900_000,
    };
    expect(needsRefresh(tokens, 1_000_000 - 61_000)).toBe(false);
    expect(needsRefresh(tokens, 1_000_000 - 60_000)).toBe(true);
    const short = { ...tokens, accessLifetimeMs: 2_000 };
    expect(needsRefresh(short, 1_000_000 - 1_100)).toBe(false);
    expect(needsRefresh(short, 1_000_000 - 1_000)).toBe(true);
  });

  it('authenticates its clear header: moving lastUsed forward breaks it', async () => {
    const key = Buffer.alloc(32, 7);
    const sealed = sealSession(session('https://x', 'rt1.A', 'at-A', 1000), key);
    expect(openSession(sealed, key)?.tokens.refreshToken).toBe('rt1.A');
    const file = JSON.parse(sealed.toString()) as { header: { lastUsed: number } };
    file.header.lastUsed += 60_000;
    expect(openSession(Buffer.from(JSON.stringify(file)), key)).toBeUndefined();
    expect(openSession(sealed, Buffer.alloc(32, 8))).toBeUndefined();
  });

  it('a modified file is deleted and reported', async () => {
    const home = await tempHome();
    const context = remoteContext(home.env, quiet);
    await saveSignIn(context, session('https://x', 'rt1.A', 'at-A', 600_000));
    const text = await readFile(context.files.sessionFile, 'utf8');
    await writeFile(
      context.files.sessionFile,
      text.replace('"email":"a@example.com"', '"email":"b@example.com"'),
    );
    await expect(useSession(context)).rejects.toThrow(
      /could not be opened .* and was deleted; run gatehouse login/,
    );
    expect(await storedTokens(context)).toBe('none');
  });
});
