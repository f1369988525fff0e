import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './helpers/test-gatehouse.js';

const reference = readFileSync(new URL('../../../docs/http-api.md', import.meta.url), 'utf8');

/** `/api/v1/sessions/{id}` → `/sessions/:id`, as docs/http-api.md writes paths. */
const documented = (path: string) =>
  path
    .replace(/^\/api\/v1(?=\/)/, '')
    .replace(/\{(\w+)\}/g, ':$1')
    .replace(/(.)\/$/, '$1');

describe('docs/http-api.md', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('names every route of the OpenAPI document', async () => {
    const { paths } = (await server.app.inject('/docs/json')).json() as { paths: Record<string, unknown> };
    const missing = Object.keys(paths)
      .map(documented)
      .filter((path) => !new RegExp(`\`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\`?]`).test(reference));
    expect(missing).toEqual([]);
  });

  it('lists every problem code the server answers with', async () => {
    const table = readFileSync(new URL('../src/errors/problem.ts', import.meta.url), 'utf8');
    const codes = [...table.matchAll(/^ {2}(\w+): \{\s*status: (\d+)/gm)].map(([, code, status]) => ({
      code,
      status,
    }));
    expect(codes.length).toBeGreaterThan(20);
    // config_invalid and database_locked never reach a client as such (startup, embedded lock).
    for (const { code, status } of codes.filter(
      ({ code }) => !['config_invalid', 'database_locked'].includes(code!),
    )) {
      expect(reference, code).toMatch(new RegExp(`\\| ${status} +\\| \`${code}\` +\\|`));
    }
  });
});
