/** Turning a variable's text into a setting's value, and placing it in the config input. */

/** Parses a raw value for a setting accepting `types` (JSON types from the schema). */
export function parseValue(raw: string, types: readonly string[]): unknown {
  if (types.includes('null') && raw === 'null') return null;
  if (types.includes('boolean')) {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
  }
  const numeric = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(raw);
  if (numeric && (types.includes('integer') || types.includes('number'))) return Number(raw);
  if (types.includes('array')) {
    if (raw.startsWith('[')) return parseJsonOr(raw);
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  // An object setting (oauth.providers) takes JSON: GATEHOUSE_OAUTH__PROVIDERS='{"corp":{...}}'.
  if (types.includes('object') && raw.startsWith('{')) return parseJsonOr(raw);
  if (types.length === 0 && (numeric || /^(?:true|false|null)$/.test(raw) || raw.startsWith('['))) {
    return parseJsonOr(raw);
  }
  // Anything else stays a string; the schema then says what was expected instead.
  return raw;
}

function parseJsonOr(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    const child = node[key];
    node =
      typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : (node[key] = {});
  });
  node[path[path.length - 1] ?? ''] = value;
}

/** NODE_ENV is shared with the whole Node ecosystem, so anything but production/test means development. */
export const environmentOf = (raw: string) => (raw === 'production' || raw === 'test' ? raw : 'development');
