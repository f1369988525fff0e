import { CliFailure } from '../secure-files/errors.js';
import type { VaultContext } from './context.js';
import { closeVault, rekeyVault, unlockVault } from './vault-access.js';

/**
 * `gatehouse totp passwd`: asks for the current passphrase even in an open session (so an
 * unattended terminal cannot be used to take the vault over), then the new one twice, and
 * re-encrypts the vault under a fresh salt. The session continues with the new key.
 */
export async function changePassphrase(context: VaultContext): Promise<number> {
  const vault = await unlockVault(context, { requirePassphrase: true });
  if (!vault) throw new CliFailure('there is no vault yet: add a secret first (gatehouse totp add <name>)');
  try {
    await rekeyVault(context, vault);
    context.out.error('Passphrase changed; the vault is re-encrypted.');
    return 0;
  } finally {
    closeVault(vault);
  }
}
