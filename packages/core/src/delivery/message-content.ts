/**
 * What a message says, independent of how it is shown: a subject, a heading and blocks
 * (paragraphs, a link, a code, facts), plus the SMS form. Templates produce this; the
 * text and HTML renderers (render-text.ts, render-html.ts) only lay it out.
 */
import type { TemplateVars } from './template-vars.js';

export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'code'; label: string; code: string }
  | { kind: 'facts'; rows: [label: string, value: string][] };

export interface Content {
  subject: string;
  heading: string;
  blocks: Block[];
  sms: string;
}

/** One message: its content from the variables and the product name. */
export type Template = (v: TemplateVars, product: string) => Content;

export const paragraph = (text: string): Block => ({ kind: 'paragraph', text });

/** A facts table of the rows whose value is known; none at all when no value is. */
export function facts(rows: [string, string | undefined][]): Block[] {
  const present = rows.filter((row): row is [string, string] => row[1] !== undefined);
  return present.length === 0 ? [] : [{ kind: 'facts', rows: present }];
}

/** The URL when it is an absolute http(s) URL; anything else (javascript:, data:) never becomes a link. */
export function httpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
