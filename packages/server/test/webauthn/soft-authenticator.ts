/**
 * A software WebAuthn authenticator for HTTP tests: a P-256 key made with node:crypto, a
 * `none` attestation CBOR-encoded by hand (so the server's library is checked against an
 * independent encoder, not its own), and assertions signed over authData ‖ SHA-256(clientData).
 * It answers the JSON options the server sends with the JSON `@simplewebauthn/browser` sends.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

interface Descriptor {
  id: string;
}
export interface CreationOptions {
  challenge: string;
  rp: { id?: string | undefined; name: string };
  user: { id: string; name: string };
  excludeCredentials?: Descriptor[] | undefined;
}
export interface RequestOptions {
  challenge: string;
  rpId?: string | undefined;
  allowCredentials?: Descriptor[] | undefined;
}

/** Per-ceremony deviations, for attacks: another origin or RP ID, no UV, a chosen counter. */
export interface Ceremony {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  counter?: number;
  /** Bypass the "is this credential allowed" check a browser would make. */
  ignoreAllowList?: boolean;
}

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

export class SoftAuthenticator {
  readonly credentialId = randomBytes(32).toString('base64url');
  /** The sign counter; the next assertion sends counter + 1. */
  counter = 0;
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private userHandle: string | undefined;

  constructor(
    private readonly origin: string,
    private readonly defaults: { userVerified?: boolean; synced?: boolean } = {},
  ) {}

  /** navigator.credentials.create() + toJSON(). */
  register(options: CreationOptions, ceremony: Ceremony = {}) {
    const rpId = ceremony.rpId ?? options.rp.id ?? '';
    this.userHandle = options.user.id;
    const attested = Buffer.concat([
      Buffer.alloc(16), // AAGUID: zeros, as with `none` attestation
      uint16(Buffer.from(this.credentialId, 'base64url').length),
      Buffer.from(this.credentialId, 'base64url'),
      cbor(this.coseKey()),
    ]);
    const authData = this.authData(rpId, ceremony, FLAG.AT, 0, attested);
    const attestationObject = cbor(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key' as const,
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge, ceremony).toString('base64url'),
        attestationObject: attestationObject.toString('base64url'),
        transports: ['hybrid', 'internal'],
      },
      clientExtensionResults: { credProps: { rk: true } },
      authenticatorAttachment: 'platform' as const,
    };
  }

  /** navigator.credentials.get() + toJSON(); the counter moves on unless the ceremony pins it. */
  assert(options: RequestOptions, ceremony: Ceremony = {}) {
    const allowed = options.allowCredentials ?? [];
    if (!ceremony.ignoreAllowList && allowed.length > 0 && !allowed.some((c) => c.id === this.credentialId)) {
      throw new Error('NotAllowedError: this authenticator holds none of the allowed credentials');
    }
    const counter = ceremony.counter ?? (this.counter += 1);
    const authData = this.authData(ceremony.rpId ?? options.rpId ?? '', ceremony, 0, counter);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, ceremony);
    const signed = Buffer.concat([authData, createHash('sha256').update(clientDataJSON).digest()]);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key' as const,
      response: {
        clientDataJSON: clientDataJSON.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: sign('sha256', signed, this.keys.privateKey).toString('base64url'),
        // A discoverable login returns the user handle; an allow-listed one may too.
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  private authData(rpId: string, ceremony: Ceremony, extraFlags: number, counter: number, tail?: Buffer) {
    const verified = ceremony.userVerified ?? this.defaults.userVerified ?? true;
    const synced = this.defaults.synced ? FLAG.BE | FLAG.BS : 0;
    const flags = FLAG.UP | (verified ? FLAG.UV : 0) | synced | extraFlags;
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    const rpIdHash = createHash('sha256').update(rpId).digest();
    return Buffer.concat([rpIdHash, Buffer.from([flags]), counterBytes, tail ?? Buffer.alloc(0)]);
  }

  private clientData(type: string, challenge: string, ceremony: Ceremony): Buffer {
    const origin = ceremony.origin ?? this.origin;
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** The public key as COSE_Key (RFC 9053): EC2, ES256, P-256, x, y. */
  private coseKey(): Map<number, unknown> {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    return new Map<number, unknown>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x ?? '', 'base64url')],
      [-3, Buffer.from(jwk.y ?? '', 'base64url')],
    ]);
  }
}

/** The CBOR (RFC 8949) subset WebAuthn needs: integers, byte and text strings, maps. */
export function cbor(value: unknown): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string')
    return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (value instanceof Map) {
    const entries = [...value].flatMap(([key, item]) => [cbor(key), cbor(item)]);
    return Buffer.concat([head(5, value.size), ...entries]);
  }
  throw new TypeError(`cbor: unsupported value ${String(value)}`);
}

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.concat([Buffer.from([(major << 5) | 25]), uint16(length)]);
  const bytes = Buffer.alloc(5);
  bytes[0] = (major << 5) | 26;
  bytes.writeUInt32BE(length, 1);
  return bytes;
}

function uint16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}
