import { createHash } from 'node:crypto';
import { escapeHtml } from '@gatehouse/core';

/**
 * The one renderer behind the small pages the server itself serves (the magic-link
 * confirm page, the password-reset and email-verification pages the mails link to).
 * Everything interpolated into `html` is escaped unless it is already `Html` (built by
 * `html` itself), so a page cannot forget to escape; the only style is this sheet, allowed
 * by its hash; there is no inline script.
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolated = Html | string | number | null | undefined | false | readonly Interpolated[];

/** A tagged template: `html\`<p>${text}</p>\`` escapes `text`; nested `html` stays as is. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(value: Interpolated): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map((item: Interpolated) => render(item)).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

// Colours meet WCAG AA contrast on white; focus stays visible (never outline: none).
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;color:#18181b;line-height:1.5}' +
  'h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2.5rem}' +
  'label{display:block;font-weight:600;margin-top:1rem}' +
  'input{font:inherit;padding:.4rem;margin:.25rem 0;width:100%;box-sizing:border-box}' +
  'input[type=radio]{width:auto;margin:.5rem .5rem 0 0}.choice{display:inline;font-weight:400}' +
  'button{font:inherit;padding:.5rem 1rem;margin-top:1rem;cursor:pointer}' +
  'fieldset{margin-top:1rem;border:1px solid #71717a}legend{font-weight:600}' +
  '.hint{color:#3f3f46;margin:.25rem 0;font-size:.95rem}' +
  '.error{color:#b91c1c;border-left:4px solid #b91c1c;padding:.25rem .75rem;font-weight:600}' +
  '.notice{border-left:4px solid #1d4ed8;padding:.25rem .75rem}' +
  ':focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}';

const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

export interface PageCspOptions {
  /** The page loads its own script from this origin and calls this origin's API. */
  script?: boolean;
  /** The page's forms post to this origin. */
  forms?: boolean;
}

/** A page's own CSP: its style, and only what it names from its own origin. */
export function pageCsp({ script = false, forms = false }: PageCspOptions = {}): string {
  return [
    "default-src 'none'",
    ...(script ? ["script-src 'self'", "connect-src 'self'"] : []),
    `style-src ${STYLE_SOURCE}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    `form-action ${forms ? "'self'" : "'none'"}`,
  ].join('; ');
}

export interface PageInput {
  title: string;
  body: Html;
  /** A script file next to the page (same origin, deferred). */
  script?: string;
}

export function renderPage({ title, body, script }: PageInput): string {
  // The style's bytes must be exactly the ones the CSP hash allows: no reformatting.
  // prettier-ignore
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
${script ? html`<script src="${script}" defer></script>\n` : ''}</head>
<body>
${body}
</body>
</html>
`.value;
}
