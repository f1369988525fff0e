import QRCode from 'qrcode';
import { recordEvent, type VaultContext } from './context.js';
import { findEntry } from './find-entry.js';
import { otpauthUri } from './otpauth-uri.js';
import { withVault } from './vault-access.js';

/**
 * `gatehouse totp export [name] [--qr]`: otpauth:// URIs on stdout, one per line (what
 * `import` and authenticator apps read), or each as a QR code drawn in the terminal to scan
 * with a phone. The output holds the secrets: the warning goes to stderr, the event to the
 * audit log.
 */
export async function exportEntries(
  context: VaultContext,
  name: string | undefined,
  { qr = false },
): Promise<number> {
  return withVault(context, async (vault) => {
    const entries = name === undefined ? vault.entries : [findEntry(vault.entries, name)];
    if (entries.length === 0) {
      context.out.error('The vault is empty.');
      return 0;
    }
    context.out.error('This output contains the secrets: anyone who sees it can make your codes.');
    for (const entry of entries) {
      const uri = otpauthUri(entry);
      if (!qr) context.out.info(uri);
      else
        context.out.info(`${entry.name}\n${await QRCode.toString(uri, { type: 'terminal', small: true })}`);
    }
    await recordEvent(context, { event: 'vault.exported', count: entries.length, qr });
    return 0;
  });
}
