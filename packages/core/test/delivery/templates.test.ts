import { describe, expect, it } from 'vitest';
import { MESSAGE_TEMPLATES, type MessageTemplate, type TemplateData } from '../../src/delivery/types.js';
import { escapeHtml, renderEmail, renderSms } from '../../src/delivery/templates.js';

const brand = { productName: 'Gatehouse' };
const TIME = '2026-03-04T05:06:07.000Z';

/** The variables each flow passes (the brief of every template). */
const SAMPLES: Record<MessageTemplate, TemplateData> = {
  verify_email: {
    email: 'ada@example.com',
    url: 'https://app.example/verify-email?token=tok123',
    token: 'tok123',
    expiresInMinutes: 1440,
  },
  password_reset: {
    email: 'ada@example.com',
    url: 'https://app.example/reset-password?token=tok456',
    token: 'tok456',
    expiresInMinutes: 60,
  },
  magic_link: { email: 'ada@example.com', url: 'https://app.example/magic?token=m1', expiresInMinutes: 15 },
  account_exists: {
    email: 'ada@example.com',
    loginUrl: 'https://app.example/login',
    resetUrl: 'https://app.example/forgot-password',
  },
  password_changed: { email: 'ada@example.com', time: TIME, ip: '203.0.113.9' },
  new_signin: { email: 'ada@example.com', time: TIME, ip: '203.0.113.9', userAgent: 'Firefox/140.0' },
  mfa_changed: { email: 'ada@example.com', change: 'Authenticator app added', time: TIME },
  email_change: {
    email: 'ada@example.com',
    code: '482913',
    newEmail: 'ada@new.example',
    expiresInMinutes: 10,
  },
  sms_code: { code: '775533', expiresInMinutes: 5 },
};

const SECURITY_NOTICES: MessageTemplate[] = [
  'password_reset',
  'magic_link',
  'account_exists',
  'password_changed',
  'new_signin',
  'mfa_changed',
  'email_change',
];

describe('renderEmail / renderSms', () => {
  it.each(MESSAGE_TEMPLATES)('%s renders subject, text, HTML and SMS with the product name', (template) => {
    const email = renderEmail(template, SAMPLES[template], { productName: 'Acme ID' });
    expect(email.subject).toContain('Acme ID');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).toContain('Acme ID');
    expect(email.html).toMatch(/^<!doctype html>/);
    const sms = renderSms(template, SAMPLES[template], { productName: 'Acme ID' });
    expect(sms).toContain('Acme ID');
    for (const output of [email.subject, email.text, email.html, sms]) {
      expect(output).not.toMatch(/undefined|null|NaN|\[object/);
    }
  });

  it.each(MESSAGE_TEMPLATES)('%s never renders "undefined" when every variable is missing', (template) => {
    const email = renderEmail(template, {}, brand);
    const sms = renderSms(template, {}, brand);
    for (const output of [email.subject, email.text, email.html, sms]) {
      expect(output).not.toMatch(/undefined|null|NaN|\[object/);
    }
  });

  it('uses the subjects the brief names', () => {
    expect(renderEmail('verify_email', SAMPLES.verify_email, brand).subject).toBe(
      'Verify your email for Gatehouse',
    );
    expect(renderEmail('password_reset', SAMPLES.password_reset, brand).subject).toBe(
      'Reset your Gatehouse password',
    );
  });

  it.each(SECURITY_NOTICES)('%s says what to do if it was not you', (template) => {
    const { text } = renderEmail(template, SAMPLES[template], brand);
    expect(text).toMatch(/(wasn’t you|didn’t ask)/);
  });

  it('verify_email shows the link (token strategy) with its lifetime', () => {
    const { text, html } = renderEmail('verify_email', SAMPLES.verify_email, brand);
    expect(text).toContain('https://app.example/verify-email?token=tok123');
    expect(text).toContain('expires in 1 day');
    expect(html).toContain('href="https://app.example/verify-email?token=tok123"');
  });

  it('verify_email shows the code (otp strategy)', () => {
    const data = { email: 'ada@example.com', code: '123456', expiresInMinutes: 10 };
    const { text, html } = renderEmail('verify_email', data, brand);
    expect(text).toContain('Your code: 123456');
    expect(text).toContain('This code expires in 10 minutes.');
    expect(text).not.toContain('http');
    expect(html).toContain('>123456<');
    expect(renderSms('verify_email', data, brand)).toBe(
      '123456 is your Gatehouse verification code. It expires in 10 minutes. Do not share it.',
    );
  });

  it('verify_email and password_reset show the code and challenge id (uuid strategy)', () => {
    const id = '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5';
    const verify = renderEmail(
      'verify_email',
      { code: '246810', verificationId: id, expiresInMinutes: 10 },
      brand,
    );
    expect(verify.text).toContain('246810');
    expect(verify.text).toContain(`Verification ID: ${id}`);
    const reset = renderEmail('password_reset', { code: '135790', resetId: id, expiresInMinutes: 10 }, brand);
    expect(reset.text).toContain('135790');
    expect(reset.text).toContain(`Reset ID: ${id}`);
  });

  it('spells out a token only when there is no link to carry it', () => {
    const withLink = renderEmail('password_reset', SAMPLES.password_reset, brand).text;
    expect(withLink.match(/tok456/g)).toHaveLength(1);
    const tokenOnly = renderEmail('password_reset', { token: 'tok789', expiresInMinutes: 60 }, brand).text;
    expect(tokenOnly).toContain('Your token: tok789');
    expect(tokenOnly).toContain('This token expires in 1 hour.');
  });

  it('account_exists carries both links; notices carry time, IP and device', () => {
    const exists = renderEmail('account_exists', SAMPLES.account_exists, brand).text;
    expect(exists).toContain('https://app.example/login');
    expect(exists).toContain('https://app.example/forgot-password');
    const signin = renderEmail('new_signin', SAMPLES.new_signin, brand).text;
    expect(signin).toContain('Time: 2026-03-04 05:06 UTC');
    expect(signin).toContain('IP address: 203.0.113.9');
    expect(signin).toContain('Device: Firefox/140.0');
    const changed = renderEmail('password_changed', { email: 'ada@example.com', time: TIME }, brand).text;
    expect(changed).not.toContain('IP address');
  });

  it('email_change and sms_code show their code', () => {
    expect(renderEmail('email_change', SAMPLES.email_change, brand).text).toContain('482913');
    expect(renderEmail('email_change', SAMPLES.email_change, brand).text).toContain('ada@new.example');
    expect(renderSms('sms_code', SAMPLES.sms_code, brand)).toBe(
      '775533 is your Gatehouse code. It expires in 5 minutes. Do not share it.',
    );
  });
});

describe('escaping', () => {
  const hostile = '<script>alert("x")</script>';

  it('escapes every variable in the HTML', () => {
    for (const template of MESSAGE_TEMPLATES) {
      const data = Object.fromEntries(Object.keys(SAMPLES[template]).map((key) => [key, hostile]));
      const { html } = renderEmail(template, data, { productName: hostile });
      expect(html, template).not.toContain('<script>');
      expect(html, template).not.toContain('"x"');
    }
    const { html } = renderEmail('new_signin', { ...SAMPLES.new_signin, userAgent: hostile }, brand);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('attribute-escapes URLs in href', () => {
    const url = 'https://app.example/verify?token=a&b="><img src=x onerror=alert(1)>\'';
    const { html } = renderEmail('verify_email', { ...SAMPLES.verify_email, url }, brand);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);
    expect(hrefs).toHaveLength(1);
    expect(hrefs[0]).not.toMatch(/[<>"']/);
    expect(hrefs[0]).toContain('&amp;');
    expect(html).not.toContain('<img');
  });

  it('only links http(s) URLs', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '//evil.example/x']) {
      const { html } = renderEmail('magic_link', { ...SAMPLES.magic_link, url }, brand);
      expect(html, url).not.toContain('href=');
      expect(html, url).not.toContain('<b>');
    }
    const { html } = renderEmail('magic_link', SAMPLES.magic_link, brand);
    expect(html).toContain('href="https://app.example/magic?token=m1"');
  });

  it('flattens line breaks and bidi controls so a variable cannot forge lines', () => {
    const userAgent = 'Chrome\r\n\r\nYour account is locked. Visit https://evil.example/unlock now\u202e';
    const { text, html } = renderEmail('new_signin', { ...SAMPLES.new_signin, userAgent }, brand);
    const device = text.split('\n').find((line) => line.startsWith('Device:'));
    expect(device).toBe('Device: Chrome Your account is locked. Visit evil.example/unlock now');
    expect(text).not.toContain('https://evil.example');
    expect(html).not.toContain('\u202e');
  });

  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('uses no external assets', () => {
    for (const template of MESSAGE_TEMPLATES) {
      const { html } = renderEmail(template, SAMPLES[template], brand);
      expect(html, template).not.toMatch(/<(img|link|script|iframe)\b|src=|url\(/i);
    }
  });
});
