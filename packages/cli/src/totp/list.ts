import { vaultPath, type VaultContext } from './context.js';
import { entryParameters } from './find-entry.js';
import { closeVault, unlockVault } from './vault-access.js';

/**
 * `gatehouse totp list`: one line per entry on stdout, tab-separated (name, type, issuer,
 * account, parameters), sorted by name. Never a secret.
 */
export async function listEntries(context: VaultContext): Promise<number> {
  const vault = await unlockVault(context);
  if (!vault) {
    context.out.error(
      `No vault yet (${vaultPath(context.paths)}): add a secret with gatehouse totp add <name>.`,
    );
    return 0;
  }
  try {
    const entries = [...vault.entries].sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const columns = [
        entry.name,
        entry.kind,
        entry.issuer ?? '-',
        entry.account ?? '-',
        entryParameters(entry),
      ];
      context.out.info(columns.join('\t'));
    }
    if (entries.length === 0) context.out.error('The vault is empty.');
    return 0;
  } finally {
    closeVault(vault);
  }
}
