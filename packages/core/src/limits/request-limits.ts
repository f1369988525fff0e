import { createHmac } from 'node:crypto';
import type { GatehouseConfig } from '../config/index.js';
import { normalizeEmail } from '../kernel/email.js';
import { clientNetworks, type ClientNetworkOf } from './client-network.js';
import { FixedWindowLimiter, type LimitDecision } from './fixed-window.js';
import { limitOf } from './limit-of.js';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';

export type RequestKind = 'verification' | 'reset' | 'magic_link';

/**
 * The account-lifecycle rate limits (config `rateLimits.verificationRequests`,
 * `resetRequests`, `magicLinkRequests`, `codeSubmissions`, `passwordChange`). Identifiers
 * are keyed by an HMAC of the normalised email, so unknown addresses are counted exactly
 * like known ones and the state store never holds an address.
 */
export class RequestLimits {
  private readonly perIdentifier: Record<RequestKind, FixedWindowLimiter>;
  private readonly perIp: Record<RequestKind, FixedWindowLimiter>;
  private readonly codes: FixedWindowLimiter;
  private readonly passwordChanges: FixedWindowLimiter;
  /** Per-IP budgets count a client network: an IPv6 /64 (rateLimits.ipv6Prefix) is one client. */
  private readonly networkOf: ClientNetworkOf;

  constructor(
    store: StateStore,
    config: GatehouseConfig['rateLimits'],
    private readonly keySecret: Buffer,
  ) {
    const limiter = (limit: number, windowSeconds: number) =>
      new FixedWindowLimiter(store, limitOf(config, limit), windowSeconds);
    const { verificationRequests: verify, resetRequests: reset, magicLinkRequests: magic } = config;
    this.perIdentifier = {
      verification: limiter(verify.perIdentifier, verify.windowSeconds),
      reset: limiter(reset.perIdentifier, reset.windowSeconds),
      magic_link: limiter(magic.perIdentifier, magic.windowSeconds),
    };
    this.perIp = {
      verification: limiter(verify.perIp, verify.windowSeconds),
      reset: limiter(reset.perIp, reset.windowSeconds),
      magic_link: limiter(magic.perIp, magic.windowSeconds),
    };
    this.codes = limiter(config.codeSubmissions.perIp, config.codeSubmissions.windowSeconds);
    this.passwordChanges = limiter(config.passwordChange.perUser, config.passwordChange.windowSeconds);
    this.networkOf = clientNetworks(config.ipv6Prefix);
  }

  /** A mail-sending request: the IP's budget (across tenants) and then the address's. */
  async request(kind: RequestKind, tenant: string, email: string, ip: string): Promise<LimitDecision> {
    const byIp = await this.perIp[kind].hit(stateKeys.global('limit', kind, 'ip', this.networkOf(ip)));
    if (!byIp.allowed) return byIp;
    return this.perIdentifier[kind].hit(
      stateKeys.global('limit', kind, 'id', this.identifier(tenant, email)),
    );
  }

  /** A code or token submission (verify email, reset password) from this IP. */
  codeSubmission(ip: string): Promise<LimitDecision> {
    return this.codes.hit(stateKeys.global('limit', 'code', 'ip', this.networkOf(ip)));
  }

  passwordChange(tenant: string, userId: string): Promise<LimitDecision> {
    return this.passwordChanges.hit(stateKeys.user(tenant, userId, 'limit', 'password-change'));
  }

  private identifier(tenant: string, email: string): string {
    return createHmac('sha256', this.keySecret)
      .update(`${tenant}\n${normalizeEmail(email)}`)
      .digest('base64url');
  }
}
