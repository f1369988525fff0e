import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { listConfigPaths } from '@gatehouse/core';

import { envVarForPath, NAMED_ENV_VARS, RESERVED_ENV_VARS } from '../../src/config/env.js';

const docs = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
/** First table row per key (the settings tables come before the lint table). */
const rows = new Map<string, string>();
for (const line of docs.split('\n')) {
  const match = /^\| `([A-Za-z0-9.]+)` +\|(.*)$/.exec(line);
  if (match?.[1] !== undefined && !rows.has(match[1])) rows.set(match[1], match[2] ?? '');
}

describe('docs/configuration.md', () => {
  it('documents every setting with its environment variable', () => {
    const named = new Map([...NAMED_ENV_VARS].map(([name, path]) => [path, name]));
    for (const path of listConfigPaths()) {
      const row = rows.get(path);
      expect(row, `row for ${path}`).toBeDefined();
      expect(row, path).toContain(`\`${named.get(path) ?? envVarForPath(path)}\``);
    }
  });

  it('lists the reserved names', () => {
    for (const name of RESERVED_ENV_VARS) expect(docs).toContain(`\`${name}\``);
  });
});
