import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outboxMessages, type Database } from '../../src/database/index.js';
import { OutboxStore, extractLinks } from '../../src/delivery/outbox.js';
import { renderEmail, renderSms } from '../../src/delivery/templates.js';
import type { EmailMessage, SmsMessage, TemplateData } from '../../src/delivery/types.js';
import { ManualClock } from '../../src/util/clock.js';
import { openMemoryDatabase } from '../helpers/memory-database.js';

const brand = { productName: 'Gatehouse' };
const HOUR = 60 * 60 * 1000;

function email(to: string, data: TemplateData, template: EmailMessage['template'] = 'verify_email') {
  return { to, template, data, ...renderEmail(template, data, brand) };
}

function sms(to: string, data: TemplateData): SmsMessage {
  return { to, template: 'sms_code', data, text: renderSms('sms_code', data, brand) };
}

describe('OutboxStore', () => {
  let database: Database;
  let clock: ManualClock;
  let outbox: OutboxStore;

  beforeAll(async () => {
    database = await openMemoryDatabase();
    await database.migrate();
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.delete(outboxMessages);
    clock = new ManualClock(Date.UTC(2026, 0, 1));
    outbox = new OutboxStore(database, { clock });
  });

  it('stores an email and lists it in the API.md shape with links and codes', async () => {
    const data = {
      email: 'ada@example.com',
      url: 'https://app.example/verify-email?token=tok1',
      token: 'tok1',
      expiresInMinutes: 1440,
    };
    const message = email('Ada@Example.com', data);
    await outbox.mailer.send(message);
    const [entry, ...rest] = await outbox.list('Ada@Example.com');
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      to: 'Ada@Example.com',
      channel: 'email',
      template: 'verify_email',
      subject: message.subject,
      text: message.text,
      html: message.html,
      createdAt: '2026-01-01T00:00:00.000Z',
      links: ['https://app.example/verify-email?token=tok1'],
      codes: [],
      data,
    });
  });

  it('matches email recipients exactly but case-insensitively', async () => {
    await outbox.mailer.send(email('Ada@Example.com', { email: 'Ada@Example.com', code: '111111' }));
    await outbox.mailer.send(email('bob@example.com', { email: 'bob@example.com', code: '222222' }));
    expect((await outbox.list('ada@example.com')).map((entry) => entry.codes)).toEqual([['111111']]);
    expect((await outbox.list('ADA@EXAMPLE.COM')).length).toBe(1);
    expect(await outbox.list('ada@example')).toEqual([]);
    expect(await outbox.list('%@example.com')).toEqual([]);
    expect(await outbox.list('a\u0000b')).toEqual([]);
  });

  it('stores SMS with the code as a string and no subject or HTML', async () => {
    await outbox.sms.send(sms('+15550100', { code: 123456, expiresInMinutes: 5 }));
    const [entry] = await outbox.list('+15550100');
    expect(entry).toMatchObject({
      channel: 'sms',
      template: 'sms_code',
      subject: null,
      html: null,
      codes: ['123456'],
      text: '123456 is your Gatehouse code. It expires in 5 minutes. Do not share it.',
    });
    expect(await outbox.list('+15550101')).toEqual([]);
  });

  it('lists newest first and honours the limit, even within one millisecond', async () => {
    for (const code of ['100001', '100002', '100003']) {
      await outbox.mailer.send(email('ada@example.com', { email: 'ada@example.com', code }));
    }
    const entries = await outbox.list('ada@example.com');
    expect(entries.map((entry) => entry.codes[0])).toEqual(['100003', '100002', '100001']);
    expect((await outbox.list('ada@example.com', 2)).map((entry) => entry.codes[0])).toEqual([
      '100003',
      '100002',
    ]);
  });

  it('keeps at most maxMessages', async () => {
    const small = new OutboxStore(database, { clock, maxMessages: 3 });
    for (let i = 1; i <= 5; i++) {
      await small.sms.send(sms('+15550100', { code: `00000${i}` }));
    }
    const codes = (await small.list('+15550100')).map((entry) => entry.codes[0]);
    expect(codes).toEqual(['000005', '000004', '000003']);
  });

  it('drops messages older than maxAgeMs', async () => {
    await outbox.sms.send(sms('+15550100', { code: '000001' }));
    clock.advance(23 * HOUR);
    await outbox.sms.send(sms('+15550100', { code: '000002' }));
    clock.advance(2 * HOUR);
    await outbox.sms.send(sms('+15550100', { code: '000003' }));
    const codes = (await outbox.list('+15550100')).map((entry) => entry.codes[0]);
    expect(codes).toEqual(['000003', '000002']);
  });

  it('collects every code variable and every link of the text', async () => {
    const data = {
      email: 'ada@example.com',
      code: '654321',
      newEmail: 'ada@new.example',
      expiresInMinutes: 10,
    };
    await outbox.mailer.send(email('ada@new.example', data, 'email_change'));
    await outbox.mailer.send(
      email(
        'ada@new.example',
        {
          email: 'ada@new.example',
          loginUrl: 'https://app.example/login',
          resetUrl: 'https://app.example/forgot-password',
        },
        'account_exists',
      ),
    );
    const [exists, change] = await outbox.list('ada@new.example');
    expect(change?.codes).toEqual(['654321']);
    expect(exists?.links).toEqual(['https://app.example/login', 'https://app.example/forgot-password']);
  });
});

describe('extractLinks', () => {
  it('finds http(s) URLs and leaves trailing punctuation out', () => {
    expect(
      extractLinks('Open https://a.example/x?y=1&z=2. Or (http://b.example/), not ftp://c.example'),
    ).toEqual(['https://a.example/x?y=1&z=2', 'http://b.example/']);
  });
});
