import { execFileSync } from 'node:child_process';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerProblem, callServer } from '../../src/remote/http.js';
import { describeWithCommand } from '../totp/helpers/cli.js';
import { tempDir } from '../totp/helpers/temp.js';
import { answer, fakeServer, problem, type FakeServer } from './helpers/fake-server.js';
import { freePort } from '../helpers/process.js';

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The one-line message callServer fails with against a server answering `status`, `body`. */
async function failureFor(reply: Parameters<typeof fakeServer>[0]): Promise<Error> {
  fake = await fakeServer(reply);
  return callServer(fake.url, 'POST', '/auth/login', { body: {} }).then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );
}

describe('callServer: Gatehouse problems in one line', () => {
  it.each([
    [problem(401, 'invalid_credentials'), 'wrong email or password'],
    [problem(423, 'account_locked'), /^the account is locked after too many failed sign-ins/],
    [problem(429, 'rate_limited', { 'retry-after': '42' }), 'too many attempts; try again in 42 s'],
    [problem(429, 'rate_limited', { 'retry-after': '900' }), 'too many attempts; try again in 15 minutes'],
    [problem(403, 'email_unverified'), /^the email address is not verified yet/],
    [problem(409, 'something_new'), 'the server refused: something_new (HTTP 409, something_new)'],
  ])('%j', async ([status, body, headers], expected) => {
    const error = await failureFor((_request, _body, response) => answer(response, status, body, headers));
    expect(error).toBeInstanceOf(ServerProblem);
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain('\n');
  });

  it('sends JSON with the CLI user agent and the bearer, and follows no redirect', async () => {
    let seen: Record<string, string | string[] | undefined> = {};
    fake = await fakeServer((request, _body, response) => {
      seen = request.headers;
      response.writeHead(302, { location: 'https://auth.example.com/api/v1/auth/me' }).end();
    });
    const error = await callServer(fake.url, 'GET', '/auth/me', { token: 'abc' }).catch((e: Error) => e);
    expect(seen).toMatchObject({
      authorization: 'Bearer abc',
      'user-agent': expect.stringMatching(/^gatehouse-cli /),
    });
    expect((error as Error).message).toBe(
      `${fake.url} redirects to https://auth.example.com; use that as --server`,
    );
  });
});

describe('callServer: no Gatehouse at the other end', () => {
  it('an HTML page', async () => {
    const error = await failureFor((_request, _body, response) => {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nginx</h1>');
    });
    expect(error.message).toBe(
      `${fake!.url} does not look like a Gatehouse server (it answered HTTP 404, text/html); check --server`,
    );
  });

  it('JSON that is not a problem document', async () => {
    const error = await failureFor((_request, _body, response) => answer(response, 500, { error: 'boom' }));
    expect(error.message).toMatch(/does not look like a Gatehouse server \(it answered HTTP 500/);
  });

  it('nothing listening', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await callServer(url, 'GET', '/auth/me').catch((e: Error) => e);
    expect((error as Error).message).toBe(`cannot reach ${url}: connection refused (is the server running?)`);
  });

  it('no answer within the timeout', async () => {
    fake = await fakeServer(() => undefined); // never answers
    const error = await callServer(fake.url, 'GET', '/auth/me', { timeoutMs: 300 }).catch((e: Error) => e);
    expect((error as Error).message).toBe(`no answer from ${fake.url} within 0.3 s`);
  });

  it('https to a plain http server', async () => {
    fake = await fakeServer((_request, _body, response) => answer(response, 200, {}));
    const url = fake.url.replace('http:', 'https:');
    const error = await callServer(url, 'GET', '/auth/me').catch((e: Error) => e);
    expect((error as Error).message).toBe(`TLS error with ${url}: wrong version number (is it plain http?)`);
  });
});

describeWithCommand('openssl', 'callServer: TLS certificates', () => {
  it('a self-signed certificate is refused with a hint', async () => {
    const dir = await tempDir('gh-tls-');
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const server = createTlsServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      (_request, response) => answer(response, 200, {}),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = await callServer(url, 'GET', '/auth/me').catch((e: Error) => e);
      expect((error as Error).message).toBe(
        `TLS error with ${url}: self-signed certificate (a private CA? point NODE_EXTRA_CA_CERTS at its certificate)`,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
