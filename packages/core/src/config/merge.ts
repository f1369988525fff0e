/**
 * Layering of partial configurations (preset < file < environment < code).
 * Plain objects merge key by key; anything else (arrays included) replaces;
 * `undefined` means "not set here" and never overrides a lower layer.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Keys are defined, not assigned, so a `__proto__` key from a JSON file stays
 * an ordinary (and rejected-as-unknown) key instead of changing a prototype.
 */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mergeTwo(lower: unknown, upper: unknown): unknown {
  if (upper === undefined) return lower;
  if (!isPlainObject(lower) || !isPlainObject(upper)) return upper;
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(lower)) define(merged, key, lower[key]);
  for (const key of Object.keys(upper)) {
    define(merged, key, mergeTwo(Object.hasOwn(merged, key) ? merged[key] : undefined, upper[key]));
  }
  return merged;
}

/** Merges layers left to right: later layers win. Inputs are not modified. */
export function mergeConfigLayers<T>(...layers: readonly T[]): T {
  return layers.reduce<unknown>((merged, layer) => mergeTwo(merged, layer), {}) as T;
}
