import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBreachChecker, rangeContains } from '../../src/password/index.js';

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

const BREACHED = 'P@ssw0rd-from-a-breach';
const CLEAN = 'velvet-otter-quarry-9';

/** What the fake API receives: everything that left the process. */
interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

type Mode = 'normal' | 'error' | 'slow' | 'html';

/**
 * A fake Pwned Passwords range API on 127.0.0.1. In 'normal' mode it knows
 * BREACHED (count 42) and pads every answer with random count-0 lines,
 * including one for CLEAN's suffix, as the real API does with Add-Padding.
 */
class FakeHibp {
  readonly seen: Seen[] = [];
  mode: Mode = 'normal';
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      this.#answer(req.url ?? '', res);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(url: string, res: ServerResponse): void {
    if (this.mode === 'error') return void res.writeHead(500).end('internal error');
    if (this.mode === 'slow') return void setTimeout(() => res.end(''), 5_000).unref();
    if (this.mode === 'html')
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>');
    const prefix = /^\/range\/([0-9A-F]{5})$/.exec(url)?.[1];
    if (!prefix) return void res.writeHead(400).end('bad prefix');
    const lines: string[] = [];
    for (let i = 0; i < 20; i++)
      lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:${i + 1}`);
    for (const password of [BREACHED, CLEAN]) {
      const digest = sha1(password);
      if (digest.startsWith(prefix)) lines.push(`${digest.slice(5)}:${password === BREACHED ? 42 : 0}`);
    }
    for (let i = 0; i < 20; i++)
      lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
  }
}

describe('createBreachChecker (HIBP range API)', () => {
  const fake = new FakeHibp();
  let apiUrl = '';

  beforeAll(async () => {
    apiUrl = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.seen.length = 0;
    fake.mode = 'normal';
  });

  it('finds a breached password in a padded answer', async () => {
    const checker = createBreachChecker({ apiUrl, timeoutMs: 2_000 });
    expect(await checker.isBreached(BREACHED)).toBe(true);
    expect(fake.seen).toHaveLength(1);
  });

  it('does not report a password that is absent, or listed only as a count-0 padding line', async () => {
    const checker = createBreachChecker({ apiUrl, timeoutMs: 2_000 });
    expect(await checker.isBreached(CLEAN)).toBe(false); // its suffix is present with count 0
    expect(await checker.isBreached(`${CLEAN}-${randomBytes(8).toString('hex')}`)).toBe(false);
  });

  it('sends only the 5-hex-character prefix of the SHA-1, with Add-Padding', async () => {
    const checker = createBreachChecker({ apiUrl: `${apiUrl}/`, timeoutMs: 2_000 });
    await checker.isBreached(BREACHED);
    const digest = sha1(BREACHED);
    const [request] = fake.seen;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(`/range/${digest.slice(0, 5)}`);
    expect(request?.url).toMatch(/^\/range\/[0-9A-F]{5}$/);
    expect(request?.headers['add-padding']).toBe('true');
    expect(request?.body).toBe('');
    // Nothing else that was sent carries the password or more of its hash.
    const everything = JSON.stringify(request).toUpperCase();
    expect(everything).not.toContain(digest.slice(5, 15));
    expect(everything).not.toContain(BREACHED.toUpperCase());
  });

  it('hashes the NFKC form, like the hasher and the policy', async () => {
    const checker = createBreachChecker({ apiUrl, timeoutMs: 2_000 });
    expect(await checker.isBreached(BREACHED.replace('ss', '\uFB06'))).toBe(false); // 'ﬆ' is 'st', not 'ss'
    expect(await checker.isBreached(`P@ssw0rd-from-a-bre\uFF41ch`)).toBe(true); // fullwidth 'ａ' is 'a'
  });

  it("answers 'unknown' when the API fails with 500", async () => {
    fake.mode = 'error';
    const errors: unknown[] = [];
    const checker = createBreachChecker({ apiUrl, timeoutMs: 2_000, onError: (e) => errors.push(e) });
    expect(await checker.isBreached(BREACHED)).toBe('unknown');
    expect(String(errors[0])).toMatch(/HTTP 500/);
  });

  it("answers 'unknown' when the API is slower than timeoutMs", async () => {
    fake.mode = 'slow';
    const checker = createBreachChecker({ apiUrl, timeoutMs: 150 });
    const started = Date.now();
    expect(await checker.isBreached(BREACHED)).toBe('unknown');
    expect(Date.now() - started).toBeLessThan(4_000); // gave up long before the 5 s answer
  });

  it("answers 'unknown' when a fetch ignores the abort signal", async () => {
    const hanging: typeof fetch = () => new Promise<Response>(() => undefined);
    const checker = createBreachChecker({ apiUrl, timeoutMs: 50, fetch: hanging });
    expect(await checker.isBreached(BREACHED)).toBe('unknown');
  });

  it("answers 'unknown' for an unreachable API and for an answer that is not a range list", async () => {
    const closed = new FakeHibp();
    const deadUrl = await closed.start();
    await closed.stop();
    expect(await createBreachChecker({ apiUrl: deadUrl, timeoutMs: 2_000 }).isBreached(BREACHED)).toBe(
      'unknown',
    );
    fake.mode = 'html';
    expect(await createBreachChecker({ apiUrl, timeoutMs: 2_000 }).isBreached(BREACHED)).toBe('unknown');
  });

  it('uses an injected fetch', async () => {
    const urls: string[] = [];
    const injected: typeof fetch = (input) => {
      urls.push(String(input));
      return Promise.resolve(new Response(`${sha1(BREACHED).slice(5)}:3\r\n`));
    };
    const checker = createBreachChecker({
      apiUrl: 'https://hibp.test/api',
      timeoutMs: 2_000,
      fetch: injected,
    });
    expect(await checker.isBreached(BREACHED)).toBe(true);
    expect(urls).toEqual([`https://hibp.test/api/range/${sha1(BREACHED).slice(0, 5)}`]);
  });
});

describe('rangeContains', () => {
  const suffix = sha1(BREACHED).slice(5);

  it('matches case-insensitively, ignores count-0 lines and tolerates CRLF', () => {
    expect(
      rangeContains(`AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:1\r\n${suffix.toLowerCase()}:7\r\n`, suffix),
    ).toBe(true);
    expect(rangeContains(`${suffix}:0\r\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:1`, suffix)).toBe(false);
  });

  it('throws on an answer without a single SUFFIX:COUNT line', () => {
    expect(() => rangeContains('', suffix)).toThrow();
    expect(() => rangeContains('<html>rate limited</html>', suffix)).toThrow();
  });
});
