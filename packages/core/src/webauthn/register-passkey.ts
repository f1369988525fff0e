import { staleSignIn } from '../access/index.js';
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { activeUser } from '../accounts/active-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { PasskeyFlowParts } from './passkey-parts.js';
import { fail, origin, type Failure, type Outcome } from '../kernel/outcome.js';
import { passkeysChanged, toPasskeyView, type PasskeyView } from './manage-passkeys.js';
import {
  expectations,
  knownTransports,
  newChallenge,
  signedChallenge,
  toRegistrationResponse,
  userHandleOf,
  type AttestationJSON,
} from './relying-party.js';

export interface RegisterPasskeyInput {
  response: AttestationJSON;
  /** A label the user picks ("Work laptop"); default "Passkey". */
  name?: string | undefined;
}

type Registered = Extract<VerifiedRegistrationResponse, { verified: true }>['registrationInfo'];

/**
 * POST /auth/webauthn/register/options (a recent sign-in first): creation options for
 * a discoverable credential, excluding the passkeys the user already has; the challenge is
 * kept single-use in the user's slot.
 */
export async function passkeyRegistrationOptions(
  parts: PasskeyFlowParts,
  who: SignedIn,
  ctx: RequestContext,
): Promise<Outcome<{ options: PublicKeyCredentialCreationOptionsJSON }>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const { repository, ceremonies } = parts.passkeys;
  const settings = parts.config.webauthn;
  const existing = await repository.listForUser(ctx.tenant, user.id);
  const options = await generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: settings.rpId,
    userName: user.email,
    userID: userHandleOf(user.id),
    userDisplayName: user.name ?? user.email,
    challenge: newChallenge(parts.random),
    // The browser gives up when the server would no longer accept the answer.
    timeout: settings.challengeTtlSeconds * 1000,
    attestationType: 'none',
    excludeCredentials: existing.map((passkey) => ({
      id: passkey.credentialId,
      transports: passkey.transports,
    })),
    authenticatorSelection: {
      residentKey: 'preferred',
      requireResidentKey: false,
      userVerification: settings.userVerification,
    },
  });
  await ceremonies.saveRegistration(ctx.tenant, user.id, options.challenge);
  return { ok: true, options };
}

/**
 * POST /auth/webauthn/register/verify: the challenge (this user's, live; used up now) → the
 * attestation (origin, RP ID, user presence, and user verification when config requires it)
 * → the credential stored (409 when its id exists) → av bumped, other sessions ended, the
 * address told.
 */
export async function registerPasskey(
  parts: PasskeyFlowParts,
  who: SignedIn,
  input: RegisterPasskeyInput,
  ctx: RequestContext,
): Promise<Outcome<{ passkey: PasskeyView }>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const { repository, ceremonies } = parts.passkeys;
  const challenge = signedChallenge(input.response.response.clientDataJSON);
  if (!challenge || !(await ceremonies.takeRegistration(ctx.tenant, user.id, challenge))) {
    return refuse(parts, user, 'unknown_challenge', ctx);
  }
  const registered = await verifyAttestation(parts, input.response, challenge);
  if (!registered) return refuse(parts, user, 'verification_failed', ctx);
  const row = await repository.add({
    userId: user.id,
    tenantId: ctx.tenant,
    credentialId: registered.credential.id,
    publicKey: Buffer.from(registered.credential.publicKey).toString('base64url'),
    counter: registered.credential.counter,
    transports: knownTransports(input.response.response.transports),
    deviceType: registered.credentialDeviceType,
    backedUp: registered.credentialBackedUp,
    aaguid: registered.aaguid,
    name: input.name?.trim() || 'Passkey',
    createdAt: new Date(parts.clock.now()),
  });
  if (!row) return refuse(parts, user, 'credential_exists', ctx, 'conflict');
  await passkeysChanged(parts, user, who, 'passkey_added', ctx);
  return { ok: true, passkey: toPasskeyView(row) };
}

/** The library's checks; any failure it throws is a refusal (its message is for the audit only). */
async function verifyAttestation(
  parts: PasskeyFlowParts,
  response: AttestationJSON,
  challenge: string,
): Promise<Registered | null> {
  try {
    const verified = await verifyRegistrationResponse({
      response: toRegistrationResponse(response),
      expectedChallenge: challenge,
      ...expectations(parts.config.webauthn),
    });
    return verified.verified ? verified.registrationInfo : null;
  } catch {
    return null;
  }
}

function refuse(
  parts: PasskeyFlowParts,
  user: UserRow,
  reason: string,
  ctx: RequestContext,
  code: 'invalid_passkey' | 'conflict' = 'invalid_passkey',
): Failure {
  parts.audit.emit({
    type: 'webauthn.registration_failed',
    tenant: ctx.tenant,
    userId: user.id,
    reason,
    ...origin(ctx),
  });
  return fail(code);
}
