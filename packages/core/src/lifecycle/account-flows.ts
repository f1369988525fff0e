import { toPublicUser } from '../accounts/public-user.js';
import type { GatehouseDb } from '../database/types.js';
import type { Outcome } from '../kernel/outcome.js';
import type { PublicUser } from '../kernel/public-user.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import { forSignedInCaller } from '../kernel/signed-in-failure.js';
import type { AccountParts } from './account-parts.js';
import { changePassword, type ChangePasswordInput } from './change-password.js';
import { deleteAccount } from './delete-account.js';
import { confirmEmailChange, requestEmailChange } from './email-change.js';
import { requestVerificationEmail, verifyEmail, type VerifyEmailInput } from './email-verification.js';
import { requestPasswordReset, resetPassword, type ResetPasswordInput } from './password-reset.js';
import { profileOf, updateProfile, type Profile, type ProfileUpdate } from './profile.js';
import { sendResetSmsCode } from './send-reset-sms-code.js';
import type { CodeInput } from './submission.js';

/**
 * `engine.account`: what a person does with their own account (API.md: verify-email, password
 * forgot/reset/change, profile, email change, deletion).
 */
export class AccountFlows {
  constructor(private readonly parts: AccountParts & { db: GatehouseDb }) {}

  /** The signed-in user as API.md's `user` (undefined once the account is gone). */
  async me(tenant: string, userId: string): Promise<PublicUser | undefined> {
    const user = await this.parts.users.findById(tenant, userId);
    return user && toPublicUser(user, (await this.parts.mfa.factors.enrolledMethods(user.id)).length > 0);
  }

  requestVerificationEmail(email: string, ctx: RequestContext): Promise<Outcome<object>> {
    return requestVerificationEmail(this.parts, email, ctx);
  }

  verifyEmail(input: VerifyEmailInput, ctx: RequestContext): Promise<Outcome<{ user: PublicUser }>> {
    return verifyEmail(this.parts, input, ctx);
  }

  requestPasswordReset(email: string, ctx: RequestContext): Promise<Outcome<object>> {
    return requestPasswordReset(this.parts, email, ctx);
  }

  resetPassword(input: ResetPasswordInput, ctx: RequestContext): Promise<Outcome<object>> {
    return resetPassword(this.parts, input, ctx);
  }

  /** A sign-in SMS code for a password reset, authorised by the reset link or code. */
  sendResetSmsCode(input: CodeInput, ctx: RequestContext): Promise<Outcome<object>> {
    return sendResetSmsCode(this.parts, input, ctx);
  }

  changePassword(who: SignedIn, input: ChangePasswordInput, ctx: RequestContext): Promise<Outcome<object>> {
    return changePassword(this.parts, who, input, ctx).then(forSignedInCaller);
  }

  deleteAccount(who: SignedIn, password: string | undefined, ctx: RequestContext): Promise<Outcome<object>> {
    return deleteAccount(this.parts, who, password, ctx).then(forSignedInCaller);
  }

  async getProfile(tenant: string, userId: string): Promise<Profile | undefined> {
    const user = await this.parts.users.findById(tenant, userId);
    return user && user.status !== 'deleted' ? profileOf(user) : undefined;
  }

  updateProfile(tenant: string, userId: string, update: ProfileUpdate): Promise<Profile | undefined> {
    return updateProfile(this.parts.users, tenant, userId, update);
  }

  /** Always ok for a usable address, taken or not (the worker sends a code or a notice). */
  requestEmailChange(who: SignedIn, newEmail: string, ctx: RequestContext): Promise<Outcome<object>> {
    return requestEmailChange(this.parts, who, newEmail, ctx);
  }

  confirmEmailChange(
    who: SignedIn,
    code: string,
    ctx: RequestContext,
  ): Promise<Outcome<{ user: PublicUser }>> {
    return confirmEmailChange(this.parts, who, code, ctx).then(forSignedInCaller);
  }
}
