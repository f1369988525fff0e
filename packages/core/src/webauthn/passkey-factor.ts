import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { PasskeyFlowParts } from './passkey-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import type { AuthMethod } from '../tokens/claims.js';
import { requestOptions, type AssertionJSON } from './relying-party.js';
import { verifyAssertion } from './verify-assertion.js';

/**
 * POST /auth/mfa/challenge { challengeId, method: 'webauthn' }: request options for the
 * passkeys of the login challenge's user, the WebAuthn challenge bound to that login
 * challenge. A second factor needs presence, not verification (unless config requires it).
 */
export async function passkeyFactorOptions(
  parts: PasskeyFlowParts,
  challengeId: string,
  ctx: RequestContext,
): Promise<Outcome<{ options: PublicKeyCredentialRequestOptionsJSON }>> {
  const challenge = await parts.mfa.challenges.get(challengeId, ctx.tenant);
  if (!challenge || !challenge.methods.includes('webauthn')) return fail('invalid_code');
  const { repository, ceremonies } = parts.passkeys;
  const passkeys = await repository.listForUser(ctx.tenant, challenge.userId);
  if (passkeys.length === 0) return fail('invalid_code');
  const settings = parts.config.webauthn;
  const options = await requestOptions(
    settings,
    passkeys.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
    parts.random,
    settings.userVerification === 'required' ? 'required' : 'discouraged',
  );
  await ceremonies.saveAssertion(options.challenge, {
    tenant: ctx.tenant,
    purpose: 'second_factor',
    userId: challenge.userId,
    mfaChallengeId: challengeId,
  });
  return { ok: true, options };
}

/**
 * POST /auth/mfa/verify { challengeId, method: 'webauthn', credential }: an assertion of one of
 * the user's passkeys against a WebAuthn challenge issued for this very login challenge.
 */
export async function verifyPasskeyFactor(
  parts: PasskeyFlowParts,
  user: UserRow,
  input: { challengeId: string; credential: AssertionJSON },
  ctx: RequestContext,
): Promise<Outcome<{ amr: AuthMethod }>> {
  const verified = await verifyAssertion(
    parts,
    input.credential,
    ctx,
    (issuedFor, passkey) =>
      issuedFor.purpose === 'second_factor' &&
      issuedFor.mfaChallengeId === input.challengeId &&
      issuedFor.userId === user.id &&
      passkey.userId === user.id,
  );
  const outcome = verified.ok ? 'mfa.verified' : 'mfa.failed';
  parts.audit.emit({
    type: outcome,
    tenant: ctx.tenant,
    userId: user.id,
    data: { method: 'webauthn' },
    ...origin(ctx),
  });
  return verified.ok ? { ok: true, amr: 'hwk' } : fail('invalid_code');
}
