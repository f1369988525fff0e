import { openGatehouse } from '@gatehouse/core';
import { loadServerConfig } from '@gatehouse/server';
import type { Output } from '../output.js';

/**
 * `gatehouse keys rotate`: the next key (already published in the JWKS) starts signing,
 * the current one retires and keeps verifying for the grace period. Running servers
 * pick the change up at their next key refresh (every tokens.keyRefreshIntervalSeconds).
 * A rotation is refused (exit 1) while the next key is younger than one key refresh plus a
 * margin, e.g. just after another rotation: not every server may have loaded it yet.
 * On the embedded database the server holds the data dir: use POST /admin/keys/rotate.
 */
export async function keysCommand(
  action: string | undefined,
  env: NodeJS.ProcessEnv,
  out: Output,
): Promise<number> {
  if (action !== 'rotate' && action !== 'list') {
    out.error('Usage: gatehouse keys rotate | gatehouse keys list');
    return 2;
  }
  const { config } = await loadServerConfig(env);
  const gatehouse = await openGatehouse(config);
  try {
    const { keyring } = gatehouse;
    if (action === 'rotate') {
      const before = keyring.current().kid;
      const rotation = await keyring.rotate();
      if (!rotation.ok) {
        out.error(
          `Not rotated: the next key was published less than ${config.tokens.keyRefreshIntervalSeconds} s (plus a margin) ago, ` +
            `so some servers may not have loaded it yet and would refuse the tokens it signs. ` +
            `Try again in ${rotation.retryAfterSeconds} s.`,
        );
        return 1;
      }
      out.info(
        `Rotated: ${before} retired (verifies for ${config.tokens.keyRotationGraceSeconds} s), ${rotation.current} signs now.`,
      );
      out.info(`Servers switch within ${config.tokens.keyRefreshIntervalSeconds} s.`);
    }
    for (const key of keyring.jwks().keys) {
      const status = key.kid === keyring.current().kid ? 'current' : (keyring.find(key.kid)?.status ?? '?');
      out.info(`${status.padEnd(8)} ${key.alg.padEnd(6)} ${key.kid}`);
    }
    return 0;
  } finally {
    await gatehouse.close();
  }
}
