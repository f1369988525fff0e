/**
 * The last step of the config schema: rules that span several keys, then the
 * defaults that depend on other settings. This is the only place those
 * derived defaults are computed; everything downstream reads the result.
 */
import type * as z from 'zod';

import { passwordLength } from './checks.js';
import type { ConfigBeforeDerivation } from './base-schema.js';

type Ctx = z.core.$RefinementCtx<ConfigBeforeDerivation>;

function report(ctx: Ctx, path: (string | number)[], message: string, input: unknown): void {
  ctx.issues.push({ code: 'custom', path, message, input });
}

function checkCrossKeyRules(c: ConfigBeforeDerivation, ctx: Ctx): void {
  // `secret` being required in production or with databaseUrl is enforced where it
  // is used (crypto/master-secret.ts), together with the development fallback.
  if (c.passwords.minLength > c.passwords.maxLength) {
    report(
      ctx,
      ['passwords', 'minLength'],
      `expected at most passwords.maxLength (${c.passwords.maxLength})`,
      c.passwords.minLength,
    );
  }
  const { memoryKiB, parallelism } = c.passwords.argon2;
  if (memoryKiB < 8 * parallelism) {
    report(
      ctx,
      ['passwords', 'argon2', 'memoryKiB'],
      `expected at least 8 KiB per lane (8 × parallelism = ${8 * parallelism})`,
      memoryKiB,
    );
  }
  if (c.storage.redisUrl !== undefined && c.storage.redisClusterNodes.length > 0) {
    report(
      ctx,
      ['storage', 'redisClusterNodes'],
      'expected either storage.redisUrl or storage.redisClusterNodes, not both',
      c.storage.redisClusterNodes,
    );
  }
  if (c.server.authBodyLimitBytes > c.server.bodyLimitBytes) {
    report(
      ctx,
      ['server', 'authBodyLimitBytes'],
      `expected at most server.bodyLimitBytes (${c.server.bodyLimitBytes})`,
      c.server.authBodyLimitBytes,
    );
  }
  if (c.server.metricsPort !== undefined && c.server.metricsPort === c.server.port) {
    report(
      ctx,
      ['server', 'metricsPort'],
      `expected a port other than server.port (${c.server.port}): it is a second listener`,
      c.server.metricsPort,
    );
  }
  checkDeliveryRules(c, ctx);
  checkCookieRules(c, ctx);
  // (Skipped when the policy itself is contradictory: that is reported above.)
  if (c.bootstrapAdmin !== undefined && c.passwords.minLength <= c.passwords.maxLength) {
    const length = passwordLength(c.bootstrapAdmin.password);
    const { minLength, maxLength } = c.passwords;
    if (length < minLength || length > maxLength) {
      report(
        ctx,
        ['bootstrapAdmin', 'password'],
        `expected ${minLength} to ${maxLength} characters (the password policy)`,
        c.bootstrapAdmin.password,
      );
    }
  }
}

/** Transports need their settings; production must pick transports on purpose. */
function checkDeliveryRules(c: ConfigBeforeDerivation, ctx: Ctx): void {
  const production = c.environment === 'production';
  if (production && c.mail.transport === undefined) {
    report(
      ctx,
      ['mail', 'transport'],
      "expected 'smtp' (with mail.smtpUrl) in production, or 'outbox' to accept that mail is only stored",
      undefined,
    );
  }
  if (c.mail.transport === 'smtp' && c.mail.smtpUrl === undefined) {
    report(
      ctx,
      ['mail', 'smtpUrl'],
      "expected an smtp:// or smtps:// URL with mail.transport 'smtp'",
      undefined,
    );
  }
  if (c.sms.transport === 'twilio') {
    for (const key of ['accountSid', 'authToken', 'from'] as const) {
      if (c.sms.twilio[key] === undefined) {
        report(ctx, ['sms', 'twilio', key], "expected a value with sms.transport 'twilio'", undefined);
      }
    }
  }
}

/** The cookie policy in force: the configured one, else what the public URL's scheme allows. */
function cookiePolicyOf(c: ConfigBeforeDerivation): 'production' | 'preview' | 'development' {
  if (c.server.cookiePolicy !== undefined) return c.server.cookiePolicy;
  const plainHttp = (c.server.publicUrl ?? 'http://localhost').startsWith('http://');
  return plainHttp && c.environment !== 'production' ? 'development' : 'production';
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Cookie settings that would leave a browser session unprotected, or never stored. */
function checkCookieRules(c: ConfigBeforeDerivation, ctx: Ctx): void {
  // The cookie settings only matter, and are only checked, with cookie mode on.
  if (!c.server.cookieMode) return;
  const policy = cookiePolicyOf(c);
  if (policy === 'development' && c.environment === 'production') {
    report(
      ctx,
      ['server', 'cookiePolicy'],
      "expected 'production' or 'preview' in production: 'development' cookies are not Secure",
      c.server.cookiePolicy,
    );
  }
  if (c.server.cookieDomain !== undefined && policy !== 'production') {
    report(
      ctx,
      ['server', 'cookieDomain'],
      "expected no cookieDomain unless server.cookiePolicy is 'production' (shared cookies must be Secure)",
      c.server.cookieDomain,
    );
  }
  const publicUrl = c.server.publicUrl ?? `http://localhost:${c.server.port}`;
  const url = new URL(publicUrl);
  if (policy !== 'development' && url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    report(
      ctx,
      ['server', 'cookiePolicy'],
      `expected an https:// server.publicUrl: browsers never store '${policy}' (Secure) cookies for ${url.origin}`,
      c.server.cookiePolicy,
    );
  }
}

const stripTrailingSlashes = (url: string): string => url.replace(/\/+$/, '');

/** Cross-key checks, then derived defaults. Used as the schema's final transform. */
export function resolveDerivedDefaults(c: ConfigBeforeDerivation, ctx: Ctx) {
  checkCrossKeyRules(c, ctx);
  // Loopback unless in production, where a container must listen on all interfaces.
  const host = c.server.host ?? (c.environment === 'production' ? '0.0.0.0' : '127.0.0.1');
  // One spelling of the base URL (no trailing slash) so `iss` and links compare exactly.
  const publicUrl = stripTrailingSlashes(c.server.publicUrl ?? `http://localhost:${c.server.port}`);
  // Tokens are issued by the public URL unless told otherwise.
  const issuer = c.tokens.issuer ?? publicUrl;
  // A retired key must outlive every token it signed.
  const keyRotationGraceSeconds = c.tokens.keyRotationGraceSeconds ?? c.tokens.accessTokenTtlSeconds;
  // Development stores messages for the outbox; production must choose (checked above).
  const devTransport = c.environment === 'production' ? undefined : ('outbox' as const);
  const mailTransport = c.mail.transport ?? devTransport ?? 'smtp';
  const smsTransport = c.sms.transport ?? devTransport ?? 'none';
  const appUrl = stripTrailingSlashes(c.mail.appUrl ?? publicUrl);
  return {
    ...c,
    server: {
      ...c.server,
      host,
      publicUrl,
      // API.md: production keeps /docs off unless enabled.
      docs: c.server.docs ?? c.environment !== 'production',
      cookiePolicy: cookiePolicyOf(c),
      redirectOrigins:
        c.server.redirectOrigins.length > 0 ? c.server.redirectOrigins : [new URL(publicUrl).origin],
    },
    tokens: { ...c.tokens, issuer, keyRotationGraceSeconds },
    mail: { ...c.mail, transport: mailTransport, appUrl },
    sms: { ...c.sms, transport: smsTransport },
    mfa: { ...c.mfa, totp: { ...c.mfa.totp, issuer: c.mfa.totp.issuer ?? c.mail.productName } },
    webauthn: {
      ...c.webauthn,
      rpId: c.webauthn.rpId ?? new URL(publicUrl).hostname,
      origins: c.webauthn.origins.length > 0 ? c.webauthn.origins : [new URL(publicUrl).origin],
    },
  };
}
