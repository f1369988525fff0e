export * from './types.js';
export { generateSigningKey } from './generate-key.js';
export { SigningKeyRepository } from './signing-key-repository.js';
export { Keyring, type KeyringOptions, type KeyringNotice, type KeyRotation } from './keyring.js';
