/**
 * Just enough protobuf encoding to build Google Authenticator MigrationPayloads for the
 * tests (written independently of the decoder under test).
 */
export function varint(value: number | bigint): Buffer {
  const bytes: number[] = [];
  let rest = BigInt(value);
  if (rest < 0n) rest += 1n << 64n; // negative int64: ten bytes, two's complement
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Buffer.from(bytes);
}

export function varintField(number: number, value: number | bigint): Buffer {
  return Buffer.concat([varint(number * 8), varint(value)]);
}

export function bytesField(number: number, value: Uint8Array | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  return Buffer.concat([varint(number * 8 + 2), varint(bytes.length), bytes]);
}

export interface OtpParameters {
  secret?: Uint8Array;
  name?: string;
  issuer?: string;
  algorithm?: number;
  digits?: number;
  type?: number;
  counter?: number | bigint;
}

export function otpParameters(parameters: OtpParameters): Buffer {
  const fields: Buffer[] = [];
  if (parameters.secret) fields.push(bytesField(1, parameters.secret));
  if (parameters.name !== undefined) fields.push(bytesField(2, parameters.name));
  if (parameters.issuer !== undefined) fields.push(bytesField(3, parameters.issuer));
  if (parameters.algorithm !== undefined) fields.push(varintField(4, parameters.algorithm));
  if (parameters.digits !== undefined) fields.push(varintField(5, parameters.digits));
  if (parameters.type !== undefined) fields.push(varintField(6, parameters.type));
  if (parameters.counter !== undefined) fields.push(varintField(7, parameters.counter));
  return Buffer.concat(fields);
}

/** A MigrationPayload with version 1, batch 0 of 1 (fields 2-5, which the decoder ignores). */
export function migrationPayload(accounts: OtpParameters[], extra: Buffer[] = []): Buffer {
  return Buffer.concat([
    ...accounts.map((account) => bytesField(1, otpParameters(account))),
    varintField(2, 1),
    varintField(3, 1),
    varintField(4, 0),
    varintField(5, 123456789),
    ...extra,
  ]);
}

export function migrationUri(payload: Buffer): string {
  return `otpauth-migration://offline?data=${encodeURIComponent(payload.toString('base64'))}`;
}
