import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { ConfigError } from '@gatehouse/core';

import { loadConfigFile } from '../../src/config/file.js';
import { loadServerConfig } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes `content` to a fresh file in the temp dir and returns its path. */
function writeConfig(extension: string, content: string): string {
  const path = join(dir, `config-${++counter}${extension}`);
  writeFileSync(path, content);
  return path;
}
const json = (value: unknown) => writeConfig('.json', JSON.stringify(value, null, 2));

async function loadError(env: NodeJS.ProcessEnv): Promise<ConfigError> {
  const error: unknown = await loadServerConfig(env).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadServerConfig', () => {
  it('gives the defaults and no warnings for an empty environment', async () => {
    const { config, warnings } = await loadServerConfig({});
    expect(config.server.port).toBe(3000);
    expect(config.preset).toBe('default');
    expect(warnings).toEqual([]);
  });

  it('layers schema defaults < preset < config file < environment', async () => {
    const file = json({
      preset: 'highSecurity',
      passwords: { minLength: 20 },
      sessions: { idleTimeoutSeconds: 900, maxPerUser: 3 },
      server: { port: 4000 },
    });
    const { config } = await loadServerConfig({
      GATEHOUSE_CONFIG: file,
      PORT: '5000',
      GATEHOUSE_SESSIONS__MAX_PER_USER: '7',
    });
    expect(config.preset).toBe('highSecurity');
    expect(config.rateLimits.login.lockoutThreshold).toBe(10); // preset over default
    expect(config.passwords.minLength).toBe(20); // file over preset
    expect(config.sessions.idleTimeoutSeconds).toBe(900); // file over preset
    expect(config.sessions.absoluteLifetimeSeconds).toBe(43_200); // preset kept
    expect(config.server.port).toBe(5000); // env over file
    expect(config.sessions.maxPerUser).toBe(7); // env over file
    expect(config.server.publicUrl).toBe('http://localhost:5000');
  });

  it('lets GATEHOUSE_PRESET override the file preset', async () => {
    const file = json({ preset: 'highSecurity' });
    const { config } = await loadServerConfig({ GATEHOUSE_CONFIG: file, GATEHOUSE_PRESET: 'highThroughput' });
    expect(config.preset).toBe('highThroughput');
    expect(config.sessions.validationMode).toBe('hybrid');
    expect(config.passwords.minLength).toBe(8);
  });

  it('returns lint warnings', async () => {
    const { warnings } = await loadServerConfig({ GATEHOUSE_SESSIONS__VALIDATION_MODE: 'jwt' });
    expect(warnings.map((warning) => warning.key)).toEqual(['sessions.validationMode']);
  });

  it('names the file, or the variable, that set a bad value', async () => {
    const file = json({ sessions: { maxPerUser: 0 }, server: { prot: 1 } });
    const error = await loadError({ GATEHOUSE_CONFIG: file, GATEHOUSE_TOKENS__CLOCK_LEEWAY_SECONDS: '999' });
    expect(error.message).toContain(
      `${file} (config.sessions.maxPerUser): expected a positive integer or null, got 0`,
    );
    expect(error.message).toContain(`${file} (config.server.prot): unknown key; did you mean "port"?`);
    expect(error.message).toContain(
      'GATEHOUSE_TOKENS__CLOCK_LEEWAY_SECONDS (config.tokens.clockLeewaySeconds): expected an integer from 0 to 120, got 999',
    );
  });

  it('reports unknown variables before reading anything else', async () => {
    const error = await loadError({ GATEHOUSE_PROT: '80', GATEHOUSE_CONFIG: join(dir, 'missing.json') });
    expect(error.message).toContain('unknown setting GATEHOUSE_PROT');
  });
});

describe('config files', () => {
  it('reads JSON, ignoring a $schema key, and records where each setting came from', async () => {
    const file = json({
      $schema: './gatehouse.schema.json',
      server: { port: 4321 },
      tenancy: { tenants: ['acme'] },
    });
    const { input, sources } = await loadConfigFile(file);
    expect(input).toEqual({ server: { port: 4321 }, tenancy: { tenants: ['acme'] } });
    expect(sources).toEqual(
      new Map([
        ['server.port', file],
        ['tenancy.tenants', file],
      ]),
    );
  });

  it('resolves a relative path against cwd', async () => {
    writeFileSync(join(dir, 'relative.json'), '{"server":{"port":4444}}');
    expect(
      (await loadServerConfig({ GATEHOUSE_CONFIG: 'relative.json' }, { cwd: dir })).config.server.port,
    ).toBe(4444);
  });

  it('reads an ES module exporting default an object', async () => {
    const file = writeConfig('.mjs', 'export default { sessions: { validationMode: "hybrid" } };\n');
    const { config } = await loadServerConfig({ GATEHOUSE_CONFIG: file });
    expect(config.sessions.validationMode).toBe('hybrid');
    const noDefault = writeConfig('.mjs', 'export const sessions = {};\n');
    expect((await loadError({ GATEHOUSE_CONFIG: noDefault })).message).toContain(
      'must export default an object',
    );
  });

  it('says clearly when the file is missing, unreadable as JSON, or of the wrong kind', async () => {
    const missing = join(dir, 'nope.json');
    expect((await loadError({ GATEHOUSE_CONFIG: missing })).message).toContain(
      `GATEHOUSE_CONFIG: cannot read config file ${missing}: no such file`,
    );
    const broken = writeConfig('.json', '{\n  "secret": "hunter2-in-a-file",\n  oops\n}');
    const brokenError = await loadError({ GATEHOUSE_CONFIG: broken });
    expect(brokenError.message).toMatch(
      new RegExp(`config file ${broken} is not valid JSON( at line 3, column \\d+)?`),
    );
    expect(brokenError.message).not.toContain('hunter2');
    expect((await loadError({ GATEHOUSE_CONFIG: json([1, 2]) })).message).toContain('must contain an object');
    expect((await loadError({ GATEHOUSE_CONFIG: writeConfig('.yaml', 'a: 1') })).message).toContain(
      'expected a .json, .js, .mjs or .cjs file',
    );
    expect(
      (await loadError({ GATEHOUSE_CONFIG: writeConfig('.ts', 'export default {}') })).message,
    ).toContain('TypeScript config files are not supported yet');
  });
});
