import type { OutboxEntry } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';

/** The page an account mail links to, as its path and query on this server. */
export const pagePathOf = (message: OutboxEntry) => {
  const url = new URL(String(message.data.url));
  return `${url.pathname}${url.search}`;
};

/** What a browser does with these pages: open the link, post a form back to its address. */
export function pageClient(server: TestServer) {
  return {
    open: (path: string) => server.app.inject({ url: path }),
    /** `sender`: the headers naming where the form came from (default: the page itself). */
    submit: (
      path: string,
      fields: Record<string, string>,
      sender: Record<string, string> = { 'sec-fetch-site': 'same-origin' },
    ) =>
      server.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...sender },
        payload: new URLSearchParams(fields).toString(),
      }),
  };
}

/** The text a person reads on the page: tags dropped, entities decoded, spaces collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<(style|script|title)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The opening tag of the element with this id. */
export const tagOf = (html: string, id: string) =>
  new RegExp(`<[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0] ?? '';
