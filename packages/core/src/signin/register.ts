import { emailDomain } from '../accounts/email.js';
import { toPublicUser, type PublicUser } from '../accounts/public-user.js';
import { EmailTakenError } from '../accounts/user-repository.js';
import type { RequestContext } from '../context/request-context.js';
import { checkPasswordPolicy } from '../password/index.js';
import { stateKeys } from '../state/keys.js';
import type { AuthEngineParts } from './engine-parts.js';
import { fail, origin, type Outcome } from './types.js';

export interface RegisterInput {
  email: string;
  password: string;
  name?: string | undefined;
}

export type RegisterResult = Outcome<
  { status: 'verification_sent' } | { status: 'created'; user: PublicUser }
>;

/**
 * Sign-up. With enumeration protection (default) a new and an already registered
 * email get the same answer and do the same work (policy check and one Argon2id hash
 * each); the owner of an existing account is told by email (with account lifecycle).
 */
export async function register(
  parts: AuthEngineParts,
  input: RegisterInput,
  ctx: RequestContext,
): Promise<RegisterResult> {
  const { config, audit } = parts;
  // Per IP across tenants, like the login limits (a tenant header must not multiply it).
  const limit = await parts.registerLimiter.hit(stateKeys.global('register', 'ip', ctx.ip));
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });

  const { signupEnabled, signupAllowedDomains } = config.accounts;
  const domain = emailDomain(input.email);
  if (!signupEnabled || (signupAllowedDomains.length > 0 && !signupAllowedDomains.includes(domain))) {
    audit.emit({ type: 'register.refused', tenant: ctx.tenant, reason: 'signup_disabled', ...origin(ctx) });
    return fail('signup_disabled');
  }

  const policy = await checkPasswordPolicy(input.password, {
    email: input.email,
    config: config.passwords,
    ...(parts.breachChecker ? { breachChecker: parts.breachChecker } : {}),
  });
  if (!policy.ok) return fail('weak_password', { reason: policy.reason });

  const passwordHash = await parts.hasher.hash(policy.normalized);
  try {
    const user = await parts.users.create({
      tenant: ctx.tenant,
      email: input.email,
      name: input.name ?? null,
      passwordHash,
    });
    audit.emit({ type: 'register.succeeded', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
    return config.accounts.enumerationProtection
      ? { ok: true, status: 'verification_sent' }
      : { ok: true, status: 'created', user: toPublicUser(user) };
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
    audit.emit({ type: 'register.existing_email', tenant: ctx.tenant, ...origin(ctx) });
    return config.accounts.enumerationProtection
      ? { ok: true, status: 'verification_sent' }
      : fail('email_taken');
  }
}
