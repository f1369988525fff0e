/**
 * Wording several templates share: how a one-time secret is presented (link, code,
 * expiry, the do-not-share warning) in an email and in an SMS, and how the account is named.
 */
import { facts, paragraph, type Block } from './message-content.js';
import { duration, type TemplateVars } from './template-vars.js';

export const DO_NOT_SHARE = 'Do not share it with anyone: we will never ask you for it.';

/**
 * The one-time secret of a verification or reset message: the link (token strategy), the
 * code (otp), or the code and the challenge id it is entered with (uuid); whichever is present.
 */
export function secretBlocks(v: TemplateVars, linkLabel: string, idKey: string, idLabel: string): Block[] {
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

export function expiry(v: TemplateVars): string {
  const minutes = v.minutes('expiresInMinutes');
  return minutes === undefined ? '' : ` It expires in ${duration(minutes)}.`;
}

/** The SMS form of a one-time secret: the code when there is one, else the link. */
export function smsSecret(v: TemplateVars, product: string, purpose: string): string {
  const code = v.get('code');
  if (code !== undefined) return `${code} is your ${product} ${purpose} code.${expiry(v)} Do not share it.`;
  const url = v.get('url');
  return url !== undefined
    ? `${product} ${purpose}: ${url}${expiry(v)}`
    : `${product}: ${purpose} requested.`;
}

/** "your Gatehouse account (ada@example.com)", or without the address when it is missing. */
export function accountOf(v: TemplateVars, product: string): string {
  const email = v.get('email');
  return email === undefined ? `your ${product} account` : `your ${product} account (${email})`;
}

export function linkBlocks(v: TemplateVars, key: string, label: string): Block[] {
  const url = v.get(key);
  return url === undefined ? [] : [{ kind: 'link', label, url }];
}
