import { CliFailure } from '../secure-files/errors.js';
import { recordEvent, type VaultContext } from '../totp/context.js';
import { findEntry } from '../totp/find-entry.js';
import { entryCode } from '../totp/otp.js';
import { withVault } from '../totp/vault-access.js';

/**
 * The current TOTP code of vault entry `name`, for `gatehouse login --totp <name>`. The
 * vault opens as for `gatehouse totp code` (its session, else the passphrase). HOTP entries
 * are refused: Gatehouse servers ask for TOTP, and spending a counter for nothing would
 * push the entry out of step with its server.
 */
export async function totpCodeFromVault(
  context: VaultContext,
  name: string,
  server: string,
): Promise<string> {
  let code = '';
  await withVault(context, async (vault) => {
    const entry = findEntry(vault.entries, name);
    if (entry.kind !== 'totp')
      throw new CliFailure(`vault entry "${name}" is HOTP; a Gatehouse server asks for a TOTP code`);
    code = entryCode(entry, context.now());
    await recordEvent(context, { event: 'vault.code_used', name, server });
    return 0;
  });
  return code;
}
