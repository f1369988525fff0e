import {
  generateAuthenticationOptions,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { GatehouseConfig } from '../config/index.js';
import type { RandomSource } from '../util/random.js';
import type { CredentialDescriptor } from './passkey-repository.js';
import type { AssertionJSON } from '../kernel/passkey-assertion.js';

export type { AssertionJSON };

/**
 * The browser's answers as `@simplewebauthn/browser` (and `PublicKeyCredential.toJSON()`)
 * produce them, reduced to what verification reads. Client extension results are not used.
 */
export interface AttestationJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    attestationObject: string;
    transports?: string[] | undefined;
  };
  authenticatorAttachment?: 'platform' | 'cross-platform' | null | undefined;
}

/** What every ceremony checks the browser's answer against (config `webauthn`). */
export function expectations(settings: GatehouseConfig['webauthn']) {
  return {
    expectedOrigin: settings.origins,
    expectedRPID: settings.rpId,
    // 'preferred' asks for user verification but accepts its absence: the sign-in policy
    // then decides (a passkey without UV is one factor only).
    requireUserVerification: settings.userVerification === 'required',
  };
}

/** Request options (navigator.credentials.get) with a fresh challenge; the caller stores it. */
export function requestOptions(
  settings: GatehouseConfig['webauthn'],
  allowCredentials: CredentialDescriptor[],
  random: RandomSource,
  userVerification = settings.userVerification,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: settings.rpId,
    allowCredentials,
    challenge: newChallenge(random),
    timeout: settings.challengeTtlSeconds * 1000,
    userVerification,
  });
}

/** 256 random bits; the options carry it base64url-encoded (43 characters). */
export const newChallenge = (random: RandomSource): Uint8Array<ArrayBuffer> =>
  new Uint8Array(random.bytes(32));

/**
 * The challenge the browser signed, read from clientDataJSON so the right stored challenge
 * can be taken; the library compares it again while verifying. Null when unreadable.
 */
export function signedChallenge(clientDataJSON: string): string | null {
  try {
    const clientData: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    const challenge = (clientData as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' ? challenge : null;
  } catch {
    return null;
  }
}

const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

/** The transports a browser reported, known values only (they are echoed to browsers later). */
export const knownTransports = (transports: readonly string[] | undefined): string[] =>
  [...new Set(transports ?? [])].filter((transport) => TRANSPORTS.has(transport)).sort();

/** The user handle of a user: the bytes of its id (no personal data, stable, ≤ 64 bytes). */
export const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(Buffer.from(userId, 'utf8'));

export function toRegistrationResponse(input: AttestationJSON): RegistrationResponseJSON {
  return {
    id: input.id,
    rawId: input.rawId,
    type: input.type,
    response: {
      clientDataJSON: input.response.clientDataJSON,
      attestationObject: input.response.attestationObject,
      transports: knownTransports(input.response.transports),
    },
    clientExtensionResults: {},
    ...(input.authenticatorAttachment ? { authenticatorAttachment: input.authenticatorAttachment } : {}),
  };
}

export function toAuthenticationResponse(input: AssertionJSON): AuthenticationResponseJSON {
  return {
    id: input.id,
    rawId: input.rawId,
    type: input.type,
    response: {
      clientDataJSON: input.response.clientDataJSON,
      authenticatorData: input.response.authenticatorData,
      signature: input.response.signature,
      ...(input.response.userHandle ? { userHandle: input.response.userHandle } : {}),
    },
    clientExtensionResults: {},
    ...(input.authenticatorAttachment ? { authenticatorAttachment: input.authenticatorAttachment } : {}),
  };
}
