import type { VaultContext } from './context.js';
import { checkName, wipeEntries } from './entry.js';
import { assertFreeName, findEntry } from './find-entry.js';
import { saveVault, withVault } from './vault-access.js';

/** `gatehouse totp remove <name>`: the secret is gone from the vault file once this returns. */
export async function removeEntry(context: VaultContext, name: string): Promise<number> {
  return withVault(context, async (vault) => {
    const entry = findEntry(vault.entries, name);
    vault.entries = vault.entries.filter((candidate) => candidate !== entry);
    wipeEntries([entry]);
    await saveVault(context, vault, { action: 'remove', name });
    context.out.error(`Removed ${name}.`);
    return 0;
  });
}

/** `gatehouse totp rename <name> <new-name>`. */
export async function renameEntry(context: VaultContext, name: string, newName: string): Promise<number> {
  checkName(newName);
  return withVault(context, async (vault) => {
    const entry = findEntry(vault.entries, name);
    if (newName === name) return 0;
    assertFreeName(vault.entries, newName);
    entry.name = newName;
    await saveVault(context, vault, { action: 'rename', name, to: newName });
    context.out.error(`Renamed ${name} to ${newName}.`);
    return 0;
  });
}
