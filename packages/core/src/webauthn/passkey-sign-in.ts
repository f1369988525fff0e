import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { RequestContext } from '../kernel/request-context.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { FactorMethod } from '../mfa/index.js';
import type { ChallengeMethod } from '../mfa/index.js';
import { completeSignIn } from '../signin/index.js';
import type { PasskeyFlowParts } from './passkey-parts.js';
import { fail, type SignInResult } from '../kernel/outcome.js';
import { decoyCredentials } from './decoy-credentials.js';
import type { CredentialDescriptor } from './passkey-repository.js';
import { requestOptions, type AssertionJSON } from './relying-party.js';
import { verifyAssertion } from './verify-assertion.js';

/**
 * POST /auth/webauthn/authenticate/options { email? }: with an email, that account's
 * passkeys — or, for an address with none (unknown included), decoys that look and behave
 * the same (deterministic, one query either way); without, an empty list (a discoverable,
 * username-less login). The challenge is stored under its own value with the tenant.
 */
export async function passkeySignInOptions(
  parts: PasskeyFlowParts,
  input: { email?: string | undefined },
  ctx: RequestContext,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allowed = input.email === undefined ? [] : await allowedFor(parts, ctx.tenant, input.email);
  const options = await requestOptions(parts.config.webauthn, allowed, parts.random);
  await parts.passkeys.ceremonies.saveAssertion(options.challenge, {
    tenant: ctx.tenant,
    purpose: 'sign_in',
  });
  return options;
}

async function allowedFor(
  parts: PasskeyFlowParts,
  tenant: string,
  email: string,
): Promise<CredentialDescriptor[]> {
  const { repository, decoyKey } = parts.passkeys;
  const real = await repository.descriptorsForEmail(tenant, email);
  return real.length > 0 ? real : decoyCredentials(decoyKey, tenant, email);
}

/**
 * POST /auth/webauthn/authenticate/verify: a passkey as the first factor, then the one
 * sign-in pipeline. With user verification the passkey is two factors in one (possession
 * plus PIN or biometric: amr hwk+mfa) and satisfies MFA on its own. Without, it is
 * possession only (amr hwk): an account with another factor — the password counts — gets a
 * challenge for it (`methodsAfterPasskey`), never a session; only an account with nothing
 * else (passkeys only) signs in with the passkey alone.
 */
export async function signInWithPasskey(
  parts: PasskeyFlowParts,
  assertion: AssertionJSON,
  ctx: RequestContext,
): Promise<SignInResult> {
  const verified = await verifyAssertion(
    parts,
    assertion,
    ctx,
    (issuedFor) => issuedFor.purpose === 'sign_in',
  );
  if (!verified.ok) return fail('invalid_credentials');
  const user = await parts.users.findById(ctx.tenant, verified.passkey.userId);
  if (!user || user.status === 'deleted') return fail('invalid_credentials');
  if (verified.userVerified) return completeSignIn(parts, user, ['hwk', 'mfa'], ctx, { mfaSatisfied: true });
  return completeSignIn(parts, user, ['hwk'], ctx, { methods: await methodsAfterPasskey(parts, user) });
}

/**
 * What may follow a passkey without user verification, at sign-in and step-up: the account's
 * other factors, and its password (something known after something held: two factors, as a
 * password login followed by the passkey).
 */
export async function methodsAfterPasskey(
  parts: PasskeyFlowParts,
  user: Pick<UserRow, 'id'>,
): Promise<ChallengeMethod[]> {
  const others: ChallengeMethod[] = factorsBesidesPasskeys(await parts.mfa.factors.enrolledMethods(user.id));
  return (await parts.users.passwordHash(user.id)) ? [...others, 'password'] : others;
}

/**
 * The second-factor policy as seen after a passkey first factor: a passkey cannot also be
 * the second factor (the same possession twice), and backup codes alone are a recovery
 * path for another factor, not a factor to demand on every passkey sign-in.
 */
export function factorsBesidesPasskeys(methods: readonly FactorMethod[]): FactorMethod[] {
  const others = methods.filter((method) => method !== 'webauthn');
  return others.some((method) => method !== 'backup_code') ? others : [];
}
