/**
 * createConfig: the one way to turn partial settings into a validated,
 * complete configuration. Precedence: schema defaults < the preset named by
 * `input.preset` < `input`. Derived defaults are resolved by the schema's
 * final step (derive.ts), so the result is always complete.
 */
import { ConfigError, configIssuesFromZod } from './errors.js';
import { mergeConfigLayers } from './merge.js';
import { isPresetName, presets } from './presets.js';
import { gatehouseConfigSchema, type GatehouseConfig, type GatehouseConfigInput } from './schema.js';

export interface CreateConfigOptions {
  /**
   * Where values came from: dotted path → environment variable or file
   * (e.g. `server.port` → `PORT`), so errors can name what to fix.
   */
  sources?: ReadonlyMap<string, string>;
}

/** Validates and completes `input`; throws ConfigError listing every problem. */
export function createConfig(
  input: GatehouseConfigInput = {},
  options: CreateConfigOptions = {},
): GatehouseConfig {
  const requested = (input as { preset?: unknown } | null)?.preset ?? 'default';
  // An unknown preset name is reported by the schema below, with the other problems.
  const preset = isPresetName(requested) ? presets[requested] : {};
  const merged = mergeConfigLayers<unknown>(preset, input);
  const result = gatehouseConfigSchema.safeParse(merged, { reportInput: true });
  if (!result.success) {
    // Only the sanitised issues travel: the zod error itself carries raw inputs.
    throw new ConfigError(configIssuesFromZod(result.error.issues, options.sources));
  }
  return result.data;
}
