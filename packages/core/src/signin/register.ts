import { emailDomain } from '../kernel/email.js';
import { toPublicUser } from '../accounts/public-user.js';
import { type PublicUser } from '../kernel/public-user.js';
import { EmailTakenError } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import { checkPasswordPolicy } from '../password/index.js';
import { VERIFICATION_JOB } from './verification-job.js';
import { clientNetworkKey } from '../limits/client-network.js';
import { stateKeys } from '../state/keys.js';
import type { SignInParts } from './sign-in-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';

/**
 * Records the sign-up (its password, time and IP: the verification names it) and queues the
 * same job for a new and an existing address (the worker sends "verify" or "account exists").
 * Past the address's mail budget nothing is queued, silently: the answer must not change,
 * and the owner's inbox must not be flooded.
 */
async function recordSignup(
  parts: SignInParts,
  email: string,
  passwordHash: string,
  ctx: RequestContext,
): Promise<void> {
  const at = new Date(parts.clock.now()).toISOString();
  const signup = await parts.signups.add(ctx.tenant, email, { passwordHash, at, ip: ctx.ip });
  const budget = await parts.limits.request('verification', ctx.tenant, email, ctx.ip);
  if (!budget.allowed) return;
  await parts.jobs.enqueue(VERIFICATION_JOB, {
    tenant: ctx.tenant,
    email,
    reason: 'register',
    signupId: signup.id,
  });
}

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
 * each, the sign-up recorded, and one queued job); the owner of an existing account is told
 * by email. Signing up an address that is already registered but unverified changes nothing
 * on that account: it only adds a sign-up that a verification of the address may name.
 */
export async function register(
  parts: SignInParts,
  input: RegisterInput,
  ctx: RequestContext,
): Promise<RegisterResult> {
  const { config, audit } = parts;
  // Per IP across tenants, like the login limits (a tenant header must not multiply it).
  const network = clientNetworkKey(ctx.ip, parts.config.rateLimits.ipv6Prefix);
  const limit = await parts.registerLimiter.hit(stateKeys.global('register', 'ip', network));
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
    await recordSignup(parts, input.email, passwordHash, ctx);
    return config.accounts.enumerationProtection
      ? { ok: true, status: 'verification_sent' }
      : { ok: true, status: 'created', user: toPublicUser(user) };
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
    audit.emit({ type: 'register.existing_email', tenant: ctx.tenant, ...origin(ctx) });
    await recordSignup(parts, input.email, passwordHash, ctx);
    return config.accounts.enumerationProtection
      ? { ok: true, status: 'verification_sent' }
      : fail('email_taken');
  }
}
