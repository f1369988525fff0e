/**
 * The HTML rendering of a message's content, with every variable escaped here, in one
 * place. Inline styles only: mail clients drop <style> and block external assets.
 */
import { httpUrl, type Block, type Content } from './message-content.js';

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

export function renderHtml(content: Content, product: string): string {
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
