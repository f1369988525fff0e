/** The message for a GATEHOUSE_* variable nobody reads: most likely a typo, so suggest the closest name. */
import { closestMatch, listConfigPaths } from '@gatehouse/core';

import {
  CONFIG_FILE_ENV_VAR,
  envVarForPath,
  NAMED_ENV_VARS,
  PREFIX,
  RESERVED_ENV_VARS,
} from './env-names.js';
import { BUILTIN_OAUTH_PROVIDERS, builtinProvider, OIDC_PROVIDERS_ENV_VAR } from './oauth-env-names.js';

function knownNames(): Map<string, string> {
  const names = [
    ...NAMED_ENV_VARS.keys(),
    CONFIG_FILE_ENV_VAR,
    ...RESERVED_ENV_VARS,
    OIDC_PROVIDERS_ENV_VAR,
    ...BUILTIN_OAUTH_PROVIDERS.flatMap((id) => Object.values(builtinProvider(id).vars)),
  ];
  for (const path of listConfigPaths()) if (path.includes('.')) names.push(envVarForPath(path));
  // Compare GATEHOUSE_ names without the prefix, so GATEHOUSE_DATABASE_URL finds DATABASE_URL.
  return new Map(names.map((n) => [n.startsWith(PREFIX) ? n.slice(PREFIX.length) : n, n]));
}

export function unknownMessage(name: string): string {
  const known = knownNames();
  const match = closestMatch(name.slice(PREFIX.length), known.keys());
  const suggestion = match === undefined ? undefined : known.get(match);
  return `unknown setting ${name}${suggestion ? `; did you mean ${suggestion}?` : ''} (see docs/configuration.md)`;
}
