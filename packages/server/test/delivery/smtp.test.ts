import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerError, type SMTPServerOptions } from 'smtp-server';
import { PermanentDeliveryError, renderEmail, type EmailMessage } from '@gatehouse/core';
import { SmtpMailer, type SmtpSettings } from '../../src/delivery/smtp-mailer.js';
import { readMail } from '../helpers/mime.js';

/**
 * SmtpMailer against a real SMTP server (the `smtp-server` package) on a free local port:
 * what arrives, authentication, how refusals are classified, and certificate checking.
 */

interface Received {
  from: string | false;
  to: string[];
  raw: string;
  secure: boolean;
  user: unknown;
}

interface TestSmtpServer {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSmtpServer(options: SMTPServerOptions = {}): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    disableReverseLookup: true,
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user,
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  cleanups.push(close);
  return { port, received, close };
}

function settings(smtpUrl: string, overrides: Partial<SmtpSettings> = {}): SmtpSettings {
  return {
    smtpUrl,
    smtpRejectUnauthorized: true,
    smtpRequireTls: false,
    from: 'Gatehouse <no-reply@gatehouse.test>',
    ...overrides,
  };
}

function mailer(smtpUrl: string, overrides: Partial<SmtpSettings> = {}): SmtpMailer {
  const instance = new SmtpMailer(settings(smtpUrl, overrides), { connectionMs: 2_000, greetingMs: 2_000 });
  cleanups.push(() => instance.close());
  return instance;
}

const data = {
  email: 'ada@example.com',
  url: 'https://app.example/verify-email?token=tok-123',
  token: 'tok-123',
  expiresInMinutes: 1440,
};

function message(to = 'ada@example.com'): EmailMessage {
  return {
    to,
    template: 'verify_email',
    data,
    ...renderEmail('verify_email', data, { productName: 'Gatehouse' }),
  };
}

/** Rejects with what `send` threw. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}

// ---- Tests ----

describe('SmtpMailer', () => {
  it('delivers the rendered message: envelope, headers, text and HTML parts', async () => {
    const server = await startSmtpServer();
    const sent = message();
    await mailer(`smtp://127.0.0.1:${server.port}`).send(sent);

    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail?.from).toBe('no-reply@gatehouse.test');
    expect(mail?.to).toEqual(['ada@example.com']);
    const parsed = readMail(mail?.raw ?? '');
    expect(parsed.headers.get('from')).toBe('Gatehouse <no-reply@gatehouse.test>');
    expect(parsed.headers.get('to')).toBe('ada@example.com');
    expect(parsed.headers.get('subject')).toBe('Verify your email for Gatehouse');
    expect(parsed.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    expect(parsed.text).toBe(sent.text.trimEnd());
    expect(parsed.html).toBe(sent.html.trimEnd());
    expect(parsed.text).toContain('https://app.example/verify-email?token=tok-123');
  });

  it('authenticates with the user and password of the URL (percent-decoded)', async () => {
    const password = 'p@ss:w/rd%&';
    const logins: { username?: string | null; password?: string | null }[] = [];
    const server = await startSmtpServer({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username, password: auth.password });
        if (auth.username === 'mailer' && auth.password === password) callback(null, { user: 'mailer' });
        else callback(new Error('Invalid username or password'));
      },
    });
    const url = `smtp://mailer:${encodeURIComponent(password)}@127.0.0.1:${server.port}`;
    await mailer(url).send(message());

    expect(logins).toEqual([{ username: 'mailer', password }]);
    expect(server.received.map((mail) => mail.user)).toEqual(['mailer']);
  });

  it('reports a wrong password as retryable, without the password in the error', async () => {
    const server = await startSmtpServer({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth: (_auth, _session, callback) => callback(new Error('Invalid username or password')),
    });
    const password = 'Sup3r-Secret-Pa55';
    const url = `smtp://mailer:${password}@127.0.0.1:${server.port}`;
    const error = await failure(mailer(url).send(message()));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/EAUTH 535/);
    const everything = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(Buffer.from(`\u0000mailer\u0000${password}`).toString('base64'));
    expect(server.received).toEqual([]);
  });

  it('turns a 550 recipient rejection into a PermanentDeliveryError', async () => {
    const server = await startSmtpServer({
      onRcptTo(_address, _session, callback) {
        const error: SMTPServerError = new Error('5.1.1 No such user here');
        error.responseCode = 550;
        callback(error);
      },
    });
    const error = await failure(
      mailer(`smtp://127.0.0.1:${server.port}`).send(message('nobody@example.com')),
    );

    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/550/);
    expect(server.received).toEqual([]);
  });

  it('keeps a 451 (try again later) retryable', async () => {
    const server = await startSmtpServer({
      onRcptTo(_address, _session, callback) {
        const error: SMTPServerError = new Error('4.7.1 Greylisted, try again later');
        error.responseCode = 451;
        callback(error);
      },
    });
    const error = await failure(mailer(`smtp://127.0.0.1:${server.port}`).send(message()));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/451/);
  });

  it('fails promptly and retryably when the server is down', async () => {
    const port = await unusedPort();
    const started = Date.now();
    const error = await failure(mailer(`smtp://user:hunter2-secret@127.0.0.1:${port}`).send(message()));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).not.toContain('hunter2-secret');
  });

  it('gives up on a server that accepts the connection but never greets', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => closeNetServer(silent, sockets));
    const { port } = silent.address() as AddressInfo;
    const quick = new SmtpMailer(settings(`smtp://127.0.0.1:${port}`), { greetingMs: 200, socketMs: 200 });
    cleanups.push(() => quick.close());

    const started = Date.now();
    const error = await failure(quick.send(message()));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/ETIMEDOUT/);
  });

  it('refuses to send in clear text with smtpRequireTls when the server offers no STARTTLS', async () => {
    const server = await startSmtpServer();
    const error = await failure(
      mailer(`smtp://127.0.0.1:${server.port}`, { smtpRequireTls: true }).send(message()),
    );
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(server.received).toEqual([]);
  });

  describe('STARTTLS with a self-signed certificate', () => {
    let dir: string;
    let tls: { key: Buffer; cert: Buffer };
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-smtp-'));
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'].concat([
          '-keyout',
          key,
          '-out',
          cert,
        ]),
        { stdio: 'ignore', input: '' },
      );
      tls = { key: readFileSync(key), cert: readFileSync(cert) };
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const tlsServer = () => startSmtpServer({ disabledCommands: [], ...tls });

    it('is refused with smtpRejectUnauthorized: true', async () => {
      const server = await tlsServer();
      const error = await failure(mailer(`smtp://127.0.0.1:${server.port}`).send(message()));

      expect(error).not.toBeInstanceOf(PermanentDeliveryError);
      expect(error.message).toMatch(/certificate/i);
      expect(server.received).toEqual([]);
    });

    it('is accepted (encrypted) with smtpRejectUnauthorized: false', async () => {
      const server = await tlsServer();
      await mailer(`smtp://127.0.0.1:${server.port}`, { smtpRejectUnauthorized: false }).send(message());

      expect(server.received).toHaveLength(1);
      expect(server.received[0]?.secure).toBe(true);
    });
  });
});

async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function closeNetServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
