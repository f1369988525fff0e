export { loadServerConfig, type LoadedServerConfig, type LoadServerConfigOptions } from './load.js';
export {
  configFromEnv,
  envVarForPath,
  isReservedEnvVar,
  CONFIG_FILE_ENV_VAR,
  NAMED_ENV_VARS,
  RESERVED_ENV_VARS,
  type EnvConfig,
} from './env.js';
export { loadConfigFile, type ConfigFile } from './file.js';
