/**
 * Gatehouse configuration: one zod schema with every default (schema.ts),
 * presets (presets.ts), createConfig (resolve.ts) and lint (lint.ts).
 * The engine takes a config object; reading the environment is the server's job.
 */
export { gatehouseConfigSchema, PRESET_NAMES } from './schema.js';
export type { GatehouseConfig, GatehouseConfigInput, PresetName } from './schema.js';
export { presets, isPresetName } from './presets.js';
export type { PresetOverrides } from './presets.js';
export { createConfig } from './resolve.js';
export type { CreateConfigOptions } from './resolve.js';
export {
  ConfigError,
  isConfigError,
  configIssuesFromZod,
  formatConfigIssue,
  formatConfigPath,
} from './errors.js';
export type { ConfigIssue } from './errors.js';
export { lint, owaspArgon2MinimumMemoryKiB } from './lint.js';
export type { ConfigWarning } from './lint.js';
export { mergeConfigLayers, isPlainObject } from './merge.js';
export { configKeyInfo, describeExpected, listConfigPaths } from './describe.js';
export type { ConfigKeyInfo } from './describe.js';
export { closestMatch } from './suggest.js';
