import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { html, pageCsp, renderPage } from '../../src/pages/html-page.js';
import { resetPasswordPage } from '../../src/pages/reset-password-page.js';
import { verifyEmailPage } from '../../src/pages/verify-email-page.js';
import { confirmPageHtml } from '../../src/pages/magic-link-confirm-page.js';

const RULES = { minLength: 8, maxLength: 256 };
const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)>'`;

describe('the page renderer', () => {
  it('escapes every interpolated value, once, and keeps nested html as built', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${HOSTILE}">${inner}${[HOSTILE, inner]}${null}${false}${undefined}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&#39;">' +
        '<b>&lt;i&gt;</b>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&#39;<b>&lt;i&gt;</b></p>',
    );
  });

  it('a hostile product name or error message reaches no page as markup', () => {
    const pages = [
      resetPasswordPage({
        productName: HOSTILE,
        rules: RULES,
        secondFactor: 'sms',
        notice: HOSTILE,
        error: { message: HOSTILE, field: 'code' },
      }),
      verifyEmailPage({
        productName: HOSTILE,
        rules: RULES,
        errorIn: 'new_password',
        error: { message: HOSTILE },
      }),
      confirmPageHtml(HOSTILE, 'https://app.example.com/?a="b"'),
      renderPage({ title: HOSTILE, body: html`<main>${HOSTILE}</main>` }),
    ];
    for (const page of pages) {
      expect(page).not.toContain('<script>');
      expect(page).not.toContain('<img');
      expect(page).toContain('&lt;script&gt;');
    }
  });

  it("the CSP allows exactly the page's own style, and a script only where the page has one", () => {
    const page = renderPage({ title: 't', body: html`<main></main>` });
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const hash = `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
    expect(pageCsp({ forms: true })).toBe(
      `default-src 'none'; style-src ${hash}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    );
    expect(pageCsp({ script: true })).toBe(
      `default-src 'none'; script-src 'self'; connect-src 'self'; style-src ${hash}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    expect(page).toContain('<meta name="referrer" content="no-referrer">');
    expect(page).toContain('<html lang="en">');
  });
});
