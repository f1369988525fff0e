import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

/**
 * The rules of docs/architecture.md, checked on the code: no import cycle, folders of core
 * depend on each other one way only, a capability uses another only through its index (its
 * sub-facade) or the kernel, the kernel depends on nothing above it, the server reaches the
 * engine only through its areas, tokens leave it through one responder, and no source file
 * grows past 400 lines.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const coreSrc = join(root, 'packages/core/src');

/** Capability folders: each exposes an index.ts that the others use. */
const CAPABILITIES = ['signin', 'mfa', 'webauthn', 'oauth', 'passwordless', 'lifecycle', 'admin'];
/** What the kernel may import: nothing above it. */
const KERNEL_MAY_IMPORT = ['kernel', 'util', 'errors', 'config', 'audit'];
/** The engine's areas the server may call (docs/architecture.md "Sub-facades"). */
const ENGINE_AREAS = new Set([
  'signIn',
  'magicLinks',
  'sessions',
  'mfa',
  'passkeys',
  'oauth',
  'account',
  'admin',
  'tenants',
  'audit',
  'outbox',
  'gatehouse',
  'start',
  'close',
  'runJob',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Each relative import of a core source file: its folder, the target file and the target's folder. */
function coreImports() {
  return sourceFiles(coreSrc).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/from\s+'(\.{1,2}\/[^']+)\.js'/g)].map((match) => {
      const target = resolve(dirname(file), `${match[1]}.ts`);
      return {
        file: relative(coreSrc, file),
        target: relative(coreSrc, target),
        from: folderOf(relative(coreSrc, file)),
        to: folderOf(relative(coreSrc, target)),
      };
    });
  });
}

const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0]! : '(root)');

describe('code structure', () => {
  it('has no import cycle in any package', async () => {
    const graph = await madge(
      ['core', 'server', 'cli'].map((pkg) => join(root, 'packages', pkg, 'src')),
      { fileExtensions: ['ts'], excludeRegExp: [/[\\/]dist[\\/]/, /node_modules/] },
    );
    expect(graph.circular()).toEqual([]);
  });

  it('has no two folders of core importing each other', () => {
    const pairs = new Set(
      coreImports()
        .filter((i) => i.from !== i.to)
        .map((i) => `${i.from} -> ${i.to}`),
    );
    const twoWay = [...pairs].filter((pair) => pairs.has(pair.split(' -> ').reverse().join(' -> ')));
    expect(twoWay).toEqual([]);
  });

  it('lets a capability use another only through its index', () => {
    const reachingIn = coreImports().filter(
      (i) =>
        CAPABILITIES.includes(i.from) &&
        CAPABILITIES.includes(i.to) &&
        i.from !== i.to &&
        i.target !== `${i.to}/index.ts`,
    );
    expect(reachingIn.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
  });

  it('keeps the kernel and the capabilities below the engine', () => {
    const upward = coreImports().filter(
      (i) =>
        (i.from === 'kernel' && !KERNEL_MAY_IMPORT.includes(i.to)) ||
        (i.from !== 'engine' && i.from !== '(root)' && i.to === 'engine'),
    );
    expect(upward.map((i) => `${i.file} -> ${i.target}`)).toEqual([]);
  });

  it('has the server call the engine only through its areas', () => {
    const serverSrc = join(root, 'packages/server/src');
    const calls = sourceFiles(serverSrc).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bengine\.([A-Za-z]+)/g)]
        .filter((match) => !ENGINE_AREAS.has(match[1]!))
        .map((match) => `${relative(serverSrc, file)}: engine.${match[1]}`),
    );
    expect(calls).toEqual([]);
  });

  it('lets tokens leave the server only through sendSignIn', () => {
    const serverSrc = join(root, 'packages/server/src');
    const elsewhere = sourceFiles(serverSrc)
      .filter((file) => !file.endsWith('routes/sign-in-answer.ts'))
      .filter((file) => /\bresult\.(tokens|mfa)\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(serverSrc, file));
    expect(elsewhere).toEqual([]);
  });

  it('has no source file over 400 lines', () => {
    const long = ['core', 'server', 'cli']
      .flatMap((pkg) => sourceFiles(join(root, 'packages', pkg, 'src')))
      .map((file) => ({ file: relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400);
    expect(long).toEqual([]);
  });
});
