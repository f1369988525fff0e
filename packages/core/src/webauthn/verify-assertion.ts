import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import type { RequestContext } from '../kernel/request-context.js';
import type { PasskeyFlowParts } from './passkey-parts.js';
import { origin } from '../kernel/outcome.js';
import type { AssertionChallenge } from './ceremony-challenges.js';
import type { PasskeyRow } from './passkey-repository.js';
import {
  expectations,
  signedChallenge,
  toAuthenticationResponse,
  userHandleOf,
  type AssertionJSON,
} from './relying-party.js';

export type VerifiedAssertion =
  { ok: true; passkey: PasskeyRow; userVerified: boolean } | { ok: false; reason: AssertionRefusal };

export type AssertionRefusal =
  | 'unknown_credential'
  | 'unknown_challenge'
  | 'wrong_purpose'
  | 'user_handle_mismatch'
  | 'verification_failed'
  | 'counter_regression';

/** Whether a challenge issued for this purpose may be answered with this passkey here. */
export type ChallengeCheck = (issuedFor: AssertionChallenge, passkey: PasskeyRow) => boolean;

/**
 * One passkey assertion, as ordered checks shared by login, second factor and step-up: the
 * credential (of this tenant) → its challenge (this tenant's, used up now: of concurrent
 * verifications exactly one proceeds) → what the challenge was issued for → the user handle
 * → signature, origin, RP ID, user presence (the library) → the sign counter (a counter that
 * does not move forward means a cloned authenticator: audited, refused) → the use recorded.
 */
export async function verifyAssertion(
  parts: PasskeyFlowParts,
  assertion: AssertionJSON,
  ctx: RequestContext,
  accepts: ChallengeCheck,
): Promise<VerifiedAssertion> {
  const { repository, ceremonies } = parts.passkeys;
  const passkey = await repository.findByCredentialId(assertion.id);
  if (!passkey || passkey.tenantId !== ctx.tenant) return refuse(parts, ctx, 'unknown_credential');
  const challenge = signedChallenge(assertion.response.clientDataJSON);
  const issuedFor = challenge === null ? null : await ceremonies.takeAssertion(challenge);
  if (!challenge || !issuedFor || issuedFor.tenant !== ctx.tenant) {
    return refuse(parts, ctx, 'unknown_challenge', passkey);
  }
  if (!accepts(issuedFor, passkey)) return refuse(parts, ctx, 'wrong_purpose', passkey);
  const { userHandle } = assertion.response;
  if (userHandle && userHandle !== Buffer.from(userHandleOf(passkey.userId)).toString('base64url')) {
    return refuse(parts, ctx, 'user_handle_mismatch', passkey);
  }
  const checked = await checkSignature(parts, assertion, challenge, passkey);
  if (!checked) return refuse(parts, ctx, 'verification_failed', passkey);
  const moved = await recordUse(parts, passkey, checked);
  if (!moved) return counterRegression(parts, ctx, passkey, checked.newCounter);
  return { ok: true, passkey, userVerified: checked.userVerified };
}

interface SignatureInfo {
  newCounter: number;
  userVerified: boolean;
  credentialBackedUp: boolean;
}

async function checkSignature(
  parts: PasskeyFlowParts,
  assertion: AssertionJSON,
  challenge: string,
  passkey: PasskeyRow,
): Promise<SignatureInfo | null> {
  try {
    const verified = await verifyAuthenticationResponse({
      response: toAuthenticationResponse(assertion),
      expectedChallenge: challenge,
      ...expectations(parts.config.webauthn),
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        // The library would throw on a counter regression, indistinguishable from any other
        // failure; the counter is checked (and audited) here, after the signature.
        counter: 0,
        transports: passkey.transports,
      },
    });
    return verified.verified ? verified.authenticationInfo : null;
  } catch {
    return null;
  }
}

/** WebAuthn §6.1.1: a counter must grow, unless both it and the stored one are 0 (no counter). */
async function recordUse(
  parts: PasskeyFlowParts,
  passkey: PasskeyRow,
  info: SignatureInfo,
): Promise<boolean> {
  const { newCounter } = info;
  if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) return false;
  const at = new Date(parts.clock.now());
  // Checked again in the update itself: two assertions racing with one counter value.
  return parts.passkeys.repository.recordUse(passkey.id, newCounter, info.credentialBackedUp, at);
}

function counterRegression(
  parts: PasskeyFlowParts,
  ctx: RequestContext,
  passkey: PasskeyRow,
  received: number,
): VerifiedAssertion {
  parts.audit.emit({
    type: 'webauthn.counter_regression',
    tenant: ctx.tenant,
    userId: passkey.userId,
    reason: 'counter_regression',
    data: { passkeyId: passkey.id, storedCounter: passkey.counter, receivedCounter: received },
    ...origin(ctx),
  });
  return { ok: false, reason: 'counter_regression' };
}

function refuse(
  parts: PasskeyFlowParts,
  ctx: RequestContext,
  reason: AssertionRefusal,
  passkey?: PasskeyRow,
): VerifiedAssertion {
  parts.audit.emit({
    type: 'webauthn.assertion_failed',
    tenant: ctx.tenant,
    userId: passkey?.userId,
    reason,
    ...(passkey ? { data: { passkeyId: passkey.id } } : {}),
    ...origin(ctx),
  });
  return { ok: false, reason };
}
