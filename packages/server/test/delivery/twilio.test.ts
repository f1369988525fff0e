import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, type SmsMessage } from '@gatehouse/core';
import { TwilioSmsSender, type TwilioSettings } from '../../src/delivery/twilio-sms.js';

/** TwilioSmsSender against a local fake of Twilio's Messages API. */

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'tw-auth-token-7f3a9c1e5b';

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
}

type Reply = (response: ServerResponse) => void;

interface FakeTwilio {
  apiUrl: string;
  requests: Recorded[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fakeTwilio(reply: Reply): Promise<FakeTwilio> {
  const requests: Recorded[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
      });
      reply(response);
    });
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { apiUrl: `http://127.0.0.1:${port}`, requests };
}

const json =
  (status: number, body: unknown): Reply =>
  (response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

function sender(apiUrl: string, overrides: Partial<TwilioSettings> = {}): TwilioSmsSender {
  return new TwilioSmsSender({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: '+15005550006',
    apiUrl,
    ...overrides,
  });
}

const message: SmsMessage = {
  to: '+15551234567',
  template: 'sms_code',
  text: '123456 is your Gatehouse code. It expires in 5 minutes. Do not share it.',
  data: { code: '123456', expiresInMinutes: 5 },
};

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}

/** Everything an error could show in a log line. */
function expectNoToken(error: Error): void {
  const everything = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error.cause)}`;
  expect(everything).not.toContain(AUTH_TOKEN);
  expect(everything).not.toContain(Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64'));
}

describe('TwilioSmsSender', () => {
  it('POSTs the form to the Messages resource with basic auth; 201 is success', async () => {
    const twilio = await fakeTwilio(json(201, { sid: 'SM123', status: 'queued' }));
    await sender(twilio.apiUrl).send(message);

    expect(twilio.requests).toHaveLength(1);
    const [request] = twilio.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request?.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(request?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      To: '+15551234567',
      From: '+15005550006',
      Body: message.text,
    });
  });

  it('sends a Messaging Service SID as MessagingServiceSid instead of From', async () => {
    const twilio = await fakeTwilio(json(201, { sid: 'SM124' }));
    await sender(`${twilio.apiUrl}/`, { from: 'MG0123456789abcdef0123456789abcdef' }).send(message);

    const form = twilio.requests[0]?.form;
    expect(form?.get('MessagingServiceSid')).toBe('MG0123456789abcdef0123456789abcdef');
    expect(form?.has('From')).toBe(false);
    expect(twilio.requests[0]?.url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  });

  it('turns a 400 into a PermanentDeliveryError naming Twilio’s error code', async () => {
    const twilio = await fakeTwilio(
      json(400, {
        code: 21211,
        message: "The 'To' number +15551234567 is not a valid phone number.",
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      }),
    );
    const error = await failure(sender(twilio.apiUrl).send(message));

    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain('21211');
    expect(error.message).toContain('400');
    expectNoToken(error);
  });

  it('treats bad credentials (401) as permanent without echoing the token', async () => {
    const twilio = await fakeTwilio(json(401, { code: 20003, message: 'Authenticate', status: 401 }));
    const error = await failure(sender(twilio.apiUrl).send(message));

    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain('20003');
    expectNoToken(error);
  });

  it.each([500, 503, 429])('keeps HTTP %i retryable', async (status) => {
    const twilio = await fakeTwilio(json(status, { code: 20429, message: 'Too Many Requests', status }));
    const error = await failure(sender(twilio.apiUrl).send(message));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain(String(status));
    expectNoToken(error);
  });

  it('copes with a non-JSON error body', async () => {
    const twilio = await fakeTwilio((response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>Bad gateway</html>');
    });
    const error = await failure(sender(twilio.apiUrl).send(message));
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toBe('Twilio is unavailable, will retry (HTTP 502)');
  });

  it('times out on a server that never answers (retryable)', async () => {
    const twilio = await fakeTwilio(() => {
      // never replies
    });
    const started = Date.now();
    const error = await failure(sender(twilio.apiUrl, { timeoutMs: 200 }).send(message));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/no answer within 200 ms/);
    expectNoToken(error);
  });

  it('reports a network error as retryable', async () => {
    const twilio = await fakeTwilio(json(201, {}));
    await cleanups.splice(0)[0]?.();
    const error = await failure(sender(twilio.apiUrl).send(message));

    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expectNoToken(error);
  });
});
