/**
 * The server's configuration: schema defaults < preset < config file
 * (GATEHOUSE_CONFIG) < environment. Every error names the variable or file
 * that set the bad value; warnings come from core's lint().
 */
import {
  createConfig,
  lint,
  mergeConfigLayers,
  type ConfigWarning,
  type GatehouseConfig,
  type GatehouseConfigInput,
} from '@gatehouse/core';

import { CONFIG_FILE_ENV_VAR, configFromEnv } from './env.js';
import { loadConfigFile } from './file.js';

export interface LoadedServerConfig {
  config: GatehouseConfig;
  /** Weak settings to log at startup (lint()). */
  warnings: ConfigWarning[];
}

export interface LoadServerConfigOptions {
  /** Directory a relative GATEHOUSE_CONFIG path is resolved from (default: process.cwd()). */
  cwd?: string;
}

/**
 * Reads the environment and the optional config file, validates, resolves.
 * Async because a `.js`/`.mjs` config file is loaded with `import()`.
 * Throws ConfigError listing every problem.
 */
export async function loadServerConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadServerConfigOptions = {},
): Promise<LoadedServerConfig> {
  const fromEnv = configFromEnv(env);
  const filePath = env[CONFIG_FILE_ENV_VAR]?.trim();
  const file = filePath ? await loadConfigFile(filePath, options.cwd) : undefined;
  // The preset is chosen from the merged input, so GATEHOUSE_PRESET overrides a file's "preset".
  const input = mergeConfigLayers<GatehouseConfigInput>(file?.input ?? {}, fromEnv.input);
  const sources = new Map([...(file?.sources ?? []), ...fromEnv.sources]);
  const config = createConfig(input, { sources });
  return { config, warnings: lint(config) };
}
