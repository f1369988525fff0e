/**
 * Reads the config schema's shape (through its JSON Schema, zod's public
 * introspection format) to say what a key expects, to list every key, and to
 * let the server map environment names onto keys. Error messages are derived
 * from the same bounds that validate, so they can never disagree.
 */
import * as z from 'zod';

import { gatehouseConfigSchema } from './schema.js';

interface JsonNode {
  type?: string;
  anyOf?: JsonNode[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonNode>;
  items?: JsonNode;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
  /** Set with `.meta({ expected })` in schema.ts where bounds alone say too little. */
  expected?: string;
}

let cachedRoot: JsonNode | undefined;
function root(): JsonNode {
  cachedRoot ??= z.toJSONSchema(gatehouseConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
  return cachedRoot;
}

function nodeAt(path: readonly (string | number)[]): JsonNode | undefined {
  let node: JsonNode | undefined = root();
  for (const segment of path) {
    if (node === undefined) return undefined;
    if (typeof segment === 'number') node = node.items;
    else node = Object.hasOwn(node.properties ?? {}, segment) ? node.properties?.[segment] : undefined;
  }
  return node;
}

function typesOf(node: JsonNode): string[] {
  if (node.anyOf) return node.anyOf.flatMap(typesOf);
  return node.type === undefined ? [] : [node.type];
}

const BIG = Number.MAX_SAFE_INTEGER;

function describeNumber(node: JsonNode): string {
  const integer = node.type === 'integer';
  const noun = integer ? 'an integer' : 'a number';
  const step = integer ? 1 : 0;
  const min =
    node.minimum ?? (node.exclusiveMinimum === undefined ? undefined : node.exclusiveMinimum + step);
  const rawMax =
    node.maximum ?? (node.exclusiveMaximum === undefined ? undefined : node.exclusiveMaximum - step);
  const max = rawMax !== undefined && rawMax < BIG ? rawMax : undefined;
  const lowest = min !== undefined && min > -BIG ? min : undefined;
  if (lowest !== undefined && max !== undefined) return `${noun} from ${lowest} to ${max}`;
  if (lowest === 1 && integer) return 'a positive integer';
  if (lowest !== undefined) return `${noun} >= ${lowest}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  return noun;
}

function describeNode(node: JsonNode): string {
  if (node.expected !== undefined) return node.expected;
  if (node.anyOf) return node.anyOf.map(describeNode).join(' or ');
  if (node.enum) return `one of ${node.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  if (node.const !== undefined) return JSON.stringify(node.const);
  switch (node.type) {
    case 'integer':
    case 'number':
      return describeNumber(node);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return node.items ? `a list of values, each ${describeNode(node.items)}` : 'a list';
    case 'object':
      return 'an object';
    case 'string':
      if (node.format === 'email') return 'an email address';
      if (node.format === 'uri') return 'a URL';
      if (node.pattern !== undefined) return `a string matching /${node.pattern}/`;
      return node.minLength !== undefined && node.minLength > 0 ? 'a non-empty string' : 'a string';
    default:
      return 'a valid value';
  }
}

/** What the key at `path` accepts, in words ("an integer from 1 to 65535"). */
export function describeExpected(path: readonly (string | number)[]): string {
  const node = nodeAt(path);
  return node === undefined ? 'no such key' : describeNode(node);
}

export interface ConfigKeyInfo {
  /** JSON types the key accepts: 'object' for a section, else e.g. ['integer', 'null']. */
  types: string[];
  /** Child keys of a section; empty for a setting. */
  keys: string[];
  /** The schema default, when the key has a static one. */
  default?: unknown;
}

/** The shape of the key at `path` (schema names, e.g. ['sessions', 'maxPerUser']), or undefined. */
export function configKeyInfo(path: readonly string[]): ConfigKeyInfo | undefined {
  const node = nodeAt(path);
  if (node === undefined) return undefined;
  const info: ConfigKeyInfo = { types: typesOf(node), keys: Object.keys(node.properties ?? {}) };
  if (node.default !== undefined) info.default = node.default;
  return info;
}

/** Every setting (leaf key) as a dotted path, in schema order. */
export function listConfigPaths(): string[] {
  const paths: string[] = [];
  const walk = (node: JsonNode, prefix: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (child.properties) walk(child, path);
      else paths.push(path);
    }
  };
  walk(root(), '');
  return paths;
}
