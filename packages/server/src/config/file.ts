/**
 * The optional config file named by GATEHOUSE_CONFIG: a `.json` file, or a
 * `.js`/`.mjs`/`.cjs` module whose default export is the settings object.
 * It uses the same keys as the schema (docs/configuration.md). A top-level
 * `"$schema"` key is allowed for editor support and ignored.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ConfigError, isPlainObject, type GatehouseConfigInput } from '@gatehouse/core';

import { CONFIG_FILE_ENV_VAR } from './env.js';

export interface ConfigFile {
  input: GatehouseConfigInput;
  /** Dotted path of every setting in the file → the file, for error messages. */
  sources: Map<string, string>;
}

function fail(message: string): never {
  throw new ConfigError([
    { path: '', source: CONFIG_FILE_ENV_VAR, message: `${CONFIG_FILE_ENV_VAR}: ${message}` },
  ]);
}

/** Line and column of a JSON.parse failure, without echoing file content (it may hold secrets). */
function jsonErrorPosition(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!match) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

async function readJson(file: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(`cannot read config file ${shown}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'read failed')}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    fail(`config file ${shown} is not valid JSON${jsonErrorPosition(text, error)}`);
  }
}

async function importModule(file: string, shown: string): Promise<unknown> {
  const exists = await stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!exists) fail(`cannot read config file ${shown}: no such file`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : 'unknown error';
    fail(`cannot load config file ${shown}: ${reason}`);
  }
  if (module.default === undefined) fail(`config file ${shown} must export default an object of settings`);
  return module.default;
}

function collectSources(
  value: Record<string, unknown>,
  label: string,
  prefix = '',
  into = new Map<string, string>(),
) {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isPlainObject(child) && Object.keys(child).length > 0) collectSources(child, label, path, into);
    else into.set(path, label);
  }
  return into;
}

/** Loads the config file at `path` (relative to `cwd`). Throws ConfigError naming the file. */
export async function loadConfigFile(path: string, cwd: string = process.cwd()): Promise<ConfigFile> {
  const file = resolve(cwd, path);
  const extension = extname(file).toLowerCase();
  let content: unknown;
  if (extension === '.json') content = await readJson(file, path);
  else if (['.js', '.mjs', '.cjs'].includes(extension)) content = await importModule(file, path);
  else if (['.ts', '.mts', '.cts'].includes(extension)) {
    fail(`TypeScript config files are not supported yet (${path}); use .json, .js or .mjs`);
  } else fail(`expected a .json, .js, .mjs or .cjs file, got ${path}`);

  if (!isPlainObject(content)) fail(`config file ${path} must contain an object of settings`);
  const settings: Record<string, unknown> = { ...content };
  delete settings['$schema'];
  return { input: settings as GatehouseConfigInput, sources: collectSources(settings, path) };
}
