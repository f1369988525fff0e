export { html, Html, pageCsp, renderPage, type PageCspOptions } from './html-page.js';
export {
  FOREIGN_FORM,
  incompleteLinkPage,
  PASSWORDS_DIFFER,
  SERVICE_TROUBLE,
  tooManyAttempts,
  weakPasswordMessage,
  type PageError,
  type PasswordRules,
} from './page-parts.js';
export {
  passwordResetDonePage,
  resetLinkUnusablePage,
  resetPasswordPage,
  SECOND_FACTOR_METHODS,
  type ResetPasswordView,
  type SecondFactorMethod,
} from './reset-password-page.js';
export {
  emailVerifiedPage,
  verifyEmailPage,
  verifyLinkUnusablePage,
  type VerifyEmailForm,
  type VerifyEmailView,
} from './verify-email-page.js';
