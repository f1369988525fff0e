/**
 * The wording of every message Gatehouse sends. Each template describes its content once,
 * as blocks (paragraphs, a link, a code, facts); the plain-text and HTML renderings are
 * built from those blocks, so the two never drift apart and HTML escaping happens in one
 * place. Some variables come from the request (the user agent of a new sign-in), so every
 * variable is treated as hostile: control characters are flattened and HTML is escaped.
 */
import type { MessageTemplate, TemplateData } from './types.js';

export interface Brand {
  productName: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'code'; label: string; code: string }
  | { kind: 'facts'; rows: [label: string, value: string][] };

interface Content {
  subject: string;
  heading: string;
  blocks: Block[];
  sms: string;
}

type Template = (v: Vars, product: string) => Content;

export function renderEmail(template: MessageTemplate, data: TemplateData, brand: Brand): RenderedEmail {
  const product = oneLine(brand.productName);
  const content = TEMPLATES[template](new Vars(data), product);
  return { subject: content.subject, text: renderText(content, product), html: renderHtml(content, product) };
}

export function renderSms(template: MessageTemplate, data: TemplateData, brand: Brand): string {
  return TEMPLATES[template](new Vars(data), oneLine(brand.productName)).sms;
}

/** Reads template variables; a missing or empty one is `undefined`, never the text "undefined". */
class Vars {
  constructor(private readonly data: TemplateData) {}

  get(key: string): string | undefined {
    const value: unknown = Object.hasOwn(this.data, key) ? this.data[key] : undefined;
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
    if (typeof value !== 'string') return undefined;
    const flat = oneLine(value);
    return flat === '' ? undefined : flat;
  }

  or(key: string, fallback: string): string {
    return this.get(key) ?? fallback;
  }

  minutes(key: string): number | undefined {
    const value = this.data[key];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  }
}

// Line breaks, other control characters and bidi overrides in a variable could forge extra
// lines or reorder text in a message ("Not you? Visit https://evil.example").
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]+/gu;

function oneLine(value: string): string {
  return value.replace(UNSAFE_CHARACTERS, ' ').trim();
}

function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

const paragraph = (text: string): Block => ({ kind: 'paragraph', text });

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** 1440 → "1 day", 60 → "1 hour", 10 → "10 minutes". */
function duration(minutes: number): string {
  const whole = Math.max(1, Math.round(minutes));
  if (whole % 1440 === 0) return plural(whole / 1440, 'day');
  if (whole % 60 === 0) return plural(whole / 60, 'hour');
  return plural(whole, 'minute');
}

/** An ISO time as "2026-01-01 12:00 UTC" (unambiguous whatever the reader's locale). */
function formatTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return value;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function facts(rows: [string, string | undefined][]): Block[] {
  const present = rows.filter((row): row is [string, string] => row[1] !== undefined);
  return present.length === 0 ? [] : [{ kind: 'facts', rows: present }];
}

/**
 * The one-time secret of a verification or reset message: the link (token strategy), the
 * code (otp), or the code and the challenge id it is entered with (uuid); whichever is present.
 */
function secretBlocks(v: Vars, linkLabel: string, idKey: string, idLabel: string): Block[] {
  const url = v.get('url');
  // The token is inside the link; it is spelled out only when there is no link.
  const token = url === undefined ? v.get('token') : undefined;
  const code = v.get('code');
  const blocks: Block[] = [];
  if (url !== undefined) blocks.push({ kind: 'link', label: linkLabel, url });
  if (token !== undefined) blocks.push({ kind: 'code', label: 'Your token', code: token });
  if (code !== undefined) blocks.push({ kind: 'code', label: 'Your code', code });
  blocks.push(...facts([[idLabel, v.get(idKey)]]));
  const minutes = v.minutes('expiresInMinutes');
  if (minutes !== undefined) {
    const what = url !== undefined ? 'link' : code !== undefined ? 'code' : 'token';
    blocks.push(paragraph(`This ${what} expires in ${duration(minutes)}.`));
  }
  if (code !== undefined || token !== undefined) blocks.push(paragraph(DO_NOT_SHARE));
  return blocks;
}

const DO_NOT_SHARE = 'Do not share it with anyone: we will never ask you for it.';

function expiry(v: Vars): string {
  const minutes = v.minutes('expiresInMinutes');
  return minutes === undefined ? '' : ` It expires in ${duration(minutes)}.`;
}

/** The SMS form of a one-time secret: the code when there is one, else the link. */
function smsSecret(v: Vars, product: string, purpose: string): string {
  const code = v.get('code');
  if (code !== undefined) return `${code} is your ${product} ${purpose} code.${expiry(v)} Do not share it.`;
  const url = v.get('url');
  return url !== undefined
    ? `${product} ${purpose}: ${url}${expiry(v)}`
    : `${product}: ${purpose} requested.`;
}

const TEMPLATES: Record<MessageTemplate, Template> = {
  verify_email: (v, product) => ({
    subject: `Verify your email for ${product}`,
    heading: 'Verify your email address',
    blocks: [
      paragraph(`Confirm that ${v.or('email', 'this')} is your email address for ${product}.`),
      ...facts([
        ['Signed up', formatTime(v.get('signupAt'))],
        ['From IP address', v.get('signupIp')],
      ]),
      ...secretBlocks(v, 'Verify email', 'verificationId', 'Verification ID'),
      paragraph(
        'To finish, enter the password you chose when you signed up, or choose a new one. ' +
          `If you did not sign up for ${product}, ignore this email: nothing happens without it.`,
      ),
    ],
    sms: smsSecret(v, product, 'verification'),
  }),

  password_reset: (v, product) => ({
    subject: `Reset your ${product} password`,
    heading: 'Reset your password',
    blocks: [
      paragraph(`Someone asked to reset the password of ${accountOf(v, product)}.`),
      ...secretBlocks(v, 'Choose a new password', 'resetId', 'Reset ID'),
      paragraph('If this wasn’t you, ignore this email: your password stays as it is.'),
    ],
    sms: `${smsSecret(v, product, 'password reset')} Not you? Ignore this message.`,
  }),

  magic_link: (v, product) => ({
    subject: `Sign in to ${product}`,
    heading: `Sign in to ${product}`,
    blocks: [
      paragraph(`Use the link below to sign in to ${accountOf(v, product)}.`),
      ...linkBlocks(v, 'url', 'Sign in'),
      paragraph(`This link works once.${expiry(v)}`),
      paragraph('If you didn’t ask to sign in, ignore this email: nobody can sign in without the link.'),
    ],
    sms: `${smsSecret(v, product, 'sign-in link')} Not you? Ignore this message.`,
  }),

  account_exists: (v, product) => ({
    subject: `You already have a ${product} account`,
    heading: 'You already have an account',
    blocks: [
      paragraph(
        `Someone tried to create a ${product} account with ${v.or('email', 'your address')}, ` +
          'but this address already has one.',
      ),
      paragraph('If it was you, sign in instead, or reset your password if you forgot it.'),
      ...linkBlocks(v, 'loginUrl', 'Sign in'),
      ...linkBlocks(v, 'resetUrl', 'Reset password'),
      paragraph('If it wasn’t you, ignore this email: your account has not changed.'),
    ],
    sms: `Someone tried to sign up for ${product} with your address, which already has an account. Not you? Ignore this message.`,
  }),

  password_changed: (v, product) => ({
    subject: `Your ${product} password was changed`,
    heading: 'Your password was changed',
    blocks: [
      paragraph(`The password of ${accountOf(v, product)} was changed.`),
      ...facts([
        ['Time', formatTime(v.get('time'))],
        ['IP address', v.get('ip')],
      ]),
      paragraph(
        'If this wasn’t you, reset your password now with “Forgot password” on the sign-in page, ' +
          'and check your account’s sign-in methods.',
      ),
    ],
    sms: `Your ${product} password was changed. Not you? Reset it now with "Forgot password".`,
  }),

  new_signin: (v, product) => ({
    subject: `New sign-in to your ${product} account`,
    heading: 'New sign-in to your account',
    blocks: [
      paragraph(`Someone just signed in to ${accountOf(v, product)}.`),
      ...facts([
        ['Time', formatTime(v.get('time'))],
        ['IP address', v.get('ip')],
        ['Device', mapDefined(v.get('userAgent'), describeUserAgent)],
      ]),
      paragraph('If this was you, there is nothing to do.'),
      paragraph('If it wasn’t you, change your password now and sign out of your other sessions.'),
    ],
    sms: `New sign-in to your ${product} account. Not you? Change your password now.`,
  }),

  mfa_changed: (v, product) => ({
    subject: `Two-factor settings changed on your ${product} account`,
    heading: 'Your two-factor settings changed',
    blocks: [
      paragraph(`The two-factor authentication settings of ${accountOf(v, product)} changed.`),
      ...facts([
        ['Change', v.get('change')],
        ['Time', formatTime(v.get('time'))],
      ]),
      paragraph(
        'If this wasn’t you, reset your password now and review your two-factor settings: ' +
          'someone may have access to your account.',
      ),
    ],
    sms: `Two-factor settings changed on your ${product} account. Not you? Reset your password now.`,
  }),

  // With `notice: 'changed'`: the old address is told the change happened (no code).
  email_change: (v, product) =>
    v.get('notice') === 'changed'
      ? emailChanged(v, product)
      : {
          subject: `Confirm your new email for ${product}`,
          heading: 'Confirm your email change',
          blocks: [
            paragraph(
              `Someone asked to change the email address of ${accountOf(v, product)} ` +
                `to ${v.or('newEmail', 'a new address')}. Enter the code below to confirm the change.`,
            ),
            ...secretBlocks(v, 'Confirm', 'emailChangeId', 'Request ID'),
            paragraph(
              'If this wasn’t you, ignore this email: the address stays as it is. ' +
                'Consider changing your password, since the request came from a signed-in session.',
            ),
          ],
          sms: `${smsSecret(v, product, 'email change')} Not you? Change your password.`,
        },

  sms_code: (v, product) => ({
    subject: `Your ${product} code`,
    heading: `Your ${product} code`,
    blocks: [...facts([['Code', v.get('code')]]), paragraph(`${expiry(v).trim()} ${DO_NOT_SHARE}`.trim())],
    sms: `${v.or('code', '')} is your ${product} code.${expiry(v)} Do not share it.`.trim(),
  }),
};

/** The notice to the old address once an email change is confirmed. */
function emailChanged(v: Vars, product: string): Content {
  return {
    subject: `Your ${product} email address was changed`,
    heading: 'Your email address was changed',
    blocks: [
      paragraph(
        `The email address of ${accountOf(v, product)} was changed to ${v.or('newEmail', 'a new address')}. ` +
          'This address no longer signs in to it or receives its messages.',
      ),
      ...facts([
        ['Time', formatTime(v.get('time'))],
        ['IP address', v.get('ip')],
      ]),
      paragraph('If this wasn’t you, contact support at once: someone may have taken over your account.'),
    ],
    sms: `The email address of your ${product} account was changed. Not you? Contact support at once.`,
  };
}

/** "your Gatehouse account (ada@example.com)", or without the address when it is missing. */
function accountOf(v: Vars, product: string): string {
  const email = v.get('email');
  return email === undefined ? `your ${product} account` : `your ${product} account (${email})`;
}

function linkBlocks(v: Vars, key: string, label: string): Block[] {
  const url = v.get(key);
  return url === undefined ? [] : [{ kind: 'link', label, url }];
}

/**
 * The user agent is whatever the signing-in client sent: cut short and with URL schemes
 * removed, so an attacker cannot plant a clickable "secure your account" link in the notice.
 */
function describeUserAgent(agent: string): string {
  return truncate(agent.replace(/[a-z][a-z0-9+.-]*:\/\//gi, ''), 160);
}

function mapDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}

// ---- Plain text ----

function renderText(content: Content, product: string): string {
  const blocks = content.blocks.map(blockText).filter((block) => block !== '');
  return [content.heading, ...blocks, `— ${product}`].join('\n\n') + '\n';
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'link':
      return `${block.label}:\n${httpUrl(block.url) ?? block.url}`;
    case 'code':
      return `${block.label}: ${block.code}`;
    case 'facts':
      return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n');
  }
}

// ---- HTML (inline styles only: mail clients drop <style> and block external assets) ----

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** The URL when it is an absolute http(s) URL; anything else (javascript:, data:) never becomes a link. */
function httpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const FONT = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif';
const STYLE = {
  body: `margin:0;padding:0;background:#f4f4f5;${FONT};color:#18181b`,
  card: 'max-width:560px;margin:0 auto;padding:32px 24px;background:#ffffff',
  heading: 'margin:0 0 16px;font-size:20px;line-height:28px',
  paragraph: 'margin:0 0 16px;font-size:15px;line-height:22px',
  button:
    'display:inline-block;padding:10px 20px;background:#18181b;color:#ffffff;' +
    'text-decoration:none;border-radius:6px;font-weight:600',
  small: 'margin:0 0 16px;font-size:13px;line-height:20px;color:#52525b;word-break:break-all',
  code: 'margin:0 0 16px;font-size:28px;letter-spacing:4px;font-weight:700;font-family:Menlo,Consolas,monospace',
  cell: 'padding:2px 12px 2px 0;font-size:14px;vertical-align:top',
  footer: 'margin:24px 0 0;font-size:12px;color:#71717a',
};

function renderHtml(content: Content, product: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(content.subject)}</title></head>`,
    `<body style="${STYLE.body}"><div style="${STYLE.card}">`,
    `<h1 style="${STYLE.heading}">${escapeHtml(content.heading)}</h1>`,
    ...content.blocks.map(blockHtml),
    `<p style="${STYLE.footer}">${escapeHtml(`Sent by ${product}.`)}</p>`,
    '</div></body>',
    '</html>',
    '',
  ].join('\n');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="${STYLE.paragraph}">${escapeHtml(block.text)}</p>`;
    case 'link':
      return linkHtml(block.label, block.url);
    case 'code':
      return (
        `<p style="${STYLE.paragraph}">${escapeHtml(block.label)}:</p>\n` +
        `<p style="${STYLE.code}">${escapeHtml(block.code)}</p>`
      );
    case 'facts':
      return `<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${block.rows
        .map(
          ([label, value]) =>
            `<tr><td style="${STYLE.cell};color:#52525b">${escapeHtml(label)}</td>` +
            `<td style="${STYLE.cell}">${escapeHtml(value)}</td></tr>`,
        )
        .join('')}</table>`;
  }
}

/** A button plus the URL spelled out (for clients that strip links); non-http(s) URLs stay text. */
function linkHtml(label: string, url: string): string {
  const href = httpUrl(url);
  if (href === undefined) return `<p style="${STYLE.small}">${escapeHtml(url)}</p>`;
  return (
    `<p style="${STYLE.paragraph}"><a href="${escapeHtml(href)}" style="${STYLE.button}">${escapeHtml(label)}</a></p>\n` +
    `<p style="${STYLE.small}">${escapeHtml(`Or open this link: ${href}`)}</p>`
  );
}
