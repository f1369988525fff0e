/**
 * A minimal MIME reader for tests that inspect what a real SMTP server received
 * (mailparser is not a dependency): top-level headers and the decoded text and HTML parts.
 */

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function splitPart(raw: string): MimePart {
  const end = raw.indexOf('\r\n\r\n');
  return { headers: parseHeaders(raw.slice(0, end)), body: raw.slice(end + 4) };
}

function decodeBody(part: MimePart): string {
  const encoding = part.headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = part.body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return part.body;
}

export interface ParsedMail {
  headers: Map<string, string>;
  /** The decoded text/plain part. */
  text: string;
  /** The decoded text/html part. */
  html: string;
}

/** The top-level headers and the decoded text/plain and text/html parts of a multipart message. */
export function readMail(raw: string): ParsedMail {
  const top = splitPart(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers.get('content-type') ?? '')?.[1];
  if (boundary === undefined) throw new Error(`expected a multipart message, got:\n${raw}`);
  const parts = top.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => splitPart(chunk.replace(/^\r\n/, '')));
  const find = (type: string) => {
    const part = parts.find((candidate) => candidate.headers.get('content-type')?.startsWith(type));
    if (!part) throw new Error(`no ${type} part in:\n${raw}`);
    return decodeBody(part).replace(/\r\n/g, '\n').trimEnd();
  };
  return { headers: top.headers, text: find('text/plain'), html: find('text/html') };
}
