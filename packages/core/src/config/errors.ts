/**
 * ConfigError: every configuration problem at once, each as
 * `config.<dotted.path>: <what is expected>, got <short safe rendering>`
 * (prefixed with the environment variable or file that set it, when known).
 * Messages never contain a secret value or a URL's password.
 */
import type * as z from 'zod';

import { configKeyInfo, describeExpected } from './describe.js';
import { renderValue } from './render.js';
import { closestMatch } from './suggest.js';

export interface ConfigIssue {
  /** Dotted path of the key (`sessions.maxPerUser`, `server.corsOrigins[1]`); '' for the whole input. */
  path: string;
  /** What is wrong, e.g. `expected a positive integer or null, got "abc"`. */
  message: string;
  /** Where the value came from (an environment variable or a file), when known. */
  source?: string;
}

type Segment = string | number;

/** `['server', 'corsOrigins', 1]` → `server.corsOrigins[1]`. */
export function formatConfigPath(path: readonly Segment[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** One line of a ConfigError message. */
export function formatConfigIssue(issue: ConfigIssue): string {
  // Problems not tied to one key (an unknown variable, an unreadable file) say everything themselves.
  if (issue.path === '') return issue.message;
  const key = `config.${issue.path}`;
  return `${issue.source ? `${issue.source} (${key})` : key}: ${issue.message}`;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Same code the engine's AuthError union reserves for configuration failures. */
  readonly code = 'config_invalid' as const;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${formatConfigIssue(issue)}`);
    super(`Invalid Gatehouse configuration (${count}):\n${lines.join('\n')}`);
    this.issues = issues;
  }
}

export const isConfigError = (error: unknown): error is ConfigError => error instanceof ConfigError;

function findSource(path: readonly Segment[], sources: ReadonlyMap<string, string> | undefined) {
  if (!sources) return undefined;
  for (let length = path.length; length > 0; length--) {
    const source = sources.get(formatConfigPath(path.slice(0, length)));
    if (source !== undefined) return source;
  }
  return undefined;
}

function unknownKeyMessage(parent: readonly Segment[], key: string): string {
  const known = configKeyInfo(parent.filter((s): s is string => typeof s === 'string'))?.keys ?? [];
  const suggestion = closestMatch(key, known);
  if (suggestion !== undefined) return `unknown key; did you mean "${suggestion}"?`;
  return known.length > 0 ? `unknown key; expected one of ${known.join(', ')}` : 'unknown key';
}

function convert(issue: z.core.$ZodIssue): { path: Segment[]; message: string }[] {
  const path = issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(path, key) }));
  }
  const got = renderValue(issue.input, path);
  if (path.length === 0) return [{ path, message: `config: expected an object, got ${got}` }];
  // Custom checks (schema refinements, cross-key rules) state their own expectation.
  const expected = issue.code === 'custom' ? issue.message : `expected ${describeExpected(path)}`;
  return [{ path, message: `${expected}, got ${got}` }];
}

/**
 * Turns zod issues (parsed with `reportInput: true`) into ConfigIssues.
 * `sources` maps dotted paths to what set them (e.g. `server.port` → `PORT`);
 * a path inherits the source of its nearest ancestor that has one.
 */
export function configIssuesFromZod(
  issues: readonly z.core.$ZodIssue[],
  sources?: ReadonlyMap<string, string>,
): ConfigIssue[] {
  const seen = new Set<string>();
  const result: ConfigIssue[] = [];
  for (const { path, message } of issues.flatMap(convert)) {
    const issue: ConfigIssue = { path: formatConfigPath(path), message };
    const source = findSource(path, sources);
    if (source !== undefined) issue.source = source;
    const line = formatConfigIssue(issue);
    if (seen.has(line)) continue;
    seen.add(line);
    result.push(issue);
  }
  return result;
}
