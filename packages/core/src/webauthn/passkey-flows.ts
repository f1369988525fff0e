import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { Outcome, SignInResult } from '../kernel/outcome.js';
import type { AssertionJSON } from '../kernel/passkey-assertion.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import { forSignedInCaller } from '../kernel/signed-in-failure.js';
import { listPasskeys, removePasskey, type PasskeyView } from './manage-passkeys.js';
import { passkeyFactorOptions } from './passkey-factor.js';
import type { PasskeyFlowParts } from './passkey-parts.js';
import { passkeySignInOptions, signInWithPasskey } from './passkey-sign-in.js';
import { stepUpWithPasskey, type PasskeyStepUpInput } from './passkey-step-up.js';
import {
  passkeyRegistrationOptions,
  registerPasskey,
  type RegisterPasskeyInput,
} from './register-passkey.js';

/** `engine.passkeys`: WebAuthn (API.md "MFA, passkeys", "Sign-in policy", "Step-up"). */
export class PasskeyFlows {
  constructor(private readonly parts: PasskeyFlowParts) {}

  /** Needs a recent sign-in (403 `step_up_required`): creation options for a new passkey of the signed-in user. */
  registrationOptions(
    who: SignedIn,
    ctx: RequestContext,
  ): Promise<Outcome<{ options: PublicKeyCredentialCreationOptionsJSON }>> {
    return passkeyRegistrationOptions(this.parts, who, ctx);
  }

  /** Needs a recent sign-in (403 `step_up_required`): stores the passkey (409 `conflict` when its id exists). */
  register(
    who: SignedIn,
    input: RegisterPasskeyInput,
    ctx: RequestContext,
  ): Promise<Outcome<{ passkey: PasskeyView }>> {
    return registerPasskey(this.parts, who, input, ctx).then(forSignedInCaller);
  }

  /** Request options: an email's passkeys (decoys for an address without any), or none (discoverable). */
  signInOptions(
    input: { email?: string | undefined },
    ctx: RequestContext,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return passkeySignInOptions(this.parts, input, ctx);
  }

  /** A passkey as the first factor: tokens, or an MFA challenge (no user verification + another factor). */
  signIn(assertion: AssertionJSON, ctx: RequestContext): Promise<SignInResult> {
    return signInWithPasskey(this.parts, assertion, ctx);
  }

  /** Request options for a login challenge that offers 'webauthn' as the second factor. */
  factorOptions(
    challengeId: string,
    ctx: RequestContext,
  ): Promise<Outcome<{ options: PublicKeyCredentialRequestOptionsJSON }>> {
    return passkeyFactorOptions(this.parts, challengeId, ctx);
  }

  /** Step-up with a passkey: tokens, or a challenge for another factor (no UV, no password). */
  stepUp(who: SignedIn, input: PasskeyStepUpInput, ctx: RequestContext): Promise<SignInResult> {
    return stepUpWithPasskey(this.parts, who, input, ctx).then(forSignedInCaller);
  }

  list(who: SignedIn, ctx: RequestContext): Promise<PasskeyView[]> {
    return listPasskeys(this.parts, who, ctx);
  }

  /** Needs a recent sign-in (403 `step_up_required`): 404 for another user's passkey. */
  remove(who: SignedIn, id: string, ctx: RequestContext): Promise<Outcome<object>> {
    return removePasskey(this.parts, who, id, ctx);
  }
}
