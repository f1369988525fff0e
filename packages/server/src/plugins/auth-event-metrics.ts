import { Counter, type Registry } from 'prom-client';
import type { AuditDispatcher } from '@gatehouse/core';

/**
 * Which audit events `gatehouse_auth_events_total` counts, and under which `type` label.
 *
 * Whoever can read /metrics could otherwise ask "does ada@example.com have an account?" by
 * sending a request for that address and watching which counter moves (API.md: no metric or
 * label may depend on whether an account exists). So this is an allow-list, and an event
 * type missing from it is not counted at all: a new event stays out until someone has
 * checked it against the rule below and added it.
 *
 * Counted: events every request of a kind emits alike, known address or not (`*_requested`,
 * `login.failed`, `account.locked`: the throttles keep counters for unknown identifiers
 * too), and events that take more than an address to cause (a correct password, a token
 * or code from a mailbox, a session, an admin).
 *
 * Not counted, whatever their name: what a background job emits once it found the account
 * (`email.verification_sent`, `password.reset_sent`, `magic_link.sent`,
 * `email.change_code_sent` — sent only when the new address is free — and
 * `mfa.sms_code_sent`), since the request for an unknown address runs the same job, which
 * then does nothing.
 */
const COUNTED_AS: ReadonlyMap<string, string> = new Map([
  // Register answers alike for a new and a taken address, so it counts alike too.
  ['register.succeeded', 'register.accepted'],
  ['register.existing_email', 'register.accepted'],
  ...[
    'register.refused',
    // Requests answered (and queued) alike for every address.
    'password.reset_requested',
    'email.verification_requested',
    'magic_link.requested',
    // Sign-in: failures are recorded alike for unknown identifiers; the rest needs the password.
    'login.failed',
    'login.throttled',
    'account.locked',
    'login.succeeded',
    'login.refused',
    'login.mfa_required',
    'login.mfa_enrolment_due',
    // A token or code from the mailbox.
    'password.reset',
    'password.reset_failed',
    'email.verified',
    'email.verification_failed',
    'magic_link.used',
    'magic_link.failed',
    // Sessions and refresh tokens.
    'session.created',
    'session.refused',
    'session.evicted',
    'session.revoked',
    'sessions.revoked_all',
    'session.stepped_up',
    'session.device_mismatch',
    'refresh.rotated',
    'refresh.conflict',
    'refresh.reuse_detected',
    'refresh.failed',
    'refresh.revoked',
    // Second factors and passkeys (after the first factor, or signed in).
    'mfa.verified',
    'mfa.failed',
    'mfa.throttled',
    'mfa.sms_code_requested',
    'mfa.sms_throttled',
    'mfa.totp_setup_started',
    'mfa.totp_enabled',
    'mfa.totp_disabled',
    'mfa.sms_enabled',
    'mfa.sms_disabled',
    'mfa.backup_codes_regenerated',
    'mfa.reset_by_admin',
    'webauthn.passkey_added',
    'webauthn.passkey_removed',
    'webauthn.registration_failed',
    'webauthn.assertion_failed',
    'webauthn.counter_regression',
    'webauthn.step_up_refused',
    // Signed-in changes.
    'password.changed',
    'password.check_failed',
    'email.change_requested',
    'email.change_failed',
    'email.changed',
    'account.deleted',
    // OAuth (an identity at the provider).
    'oauth.started',
    'oauth.failed',
    'oauth.identity_verified',
    'oauth.exchange_failed',
    'oauth.linked',
    'oauth.unlinked',
    // Administration.
    'user.locked',
    'user.unlocked',
    'user.disabled',
    'user.enabled',
    'user.roles_changed',
    'user.bootstrap_admin_created',
    'tenant.created',
    'keys.rotated',
    // The operator's signal that mail or SMS is not going out. Only a failing delivery moves
    // it, and only deliveries to existing accounts can fail: keep /metrics off the public
    // port (GATEHOUSE_METRICS_PORT or GATEHOUSE_METRICS_TOKEN) and it tells nobody else.
    'job.failed',
  ].map((type) => [type, type] as const),
]);

/** The `type` label an audit event is counted under, or undefined when it must not be counted. */
export function metricTypeOf(auditType: string): string | undefined {
  return COUNTED_AS.get(auditType);
}

/**
 * One counter per audit outcome (`type`, `reason`). Labels are event names and stable
 * reason codes only, never identifiers.
 */
export function countAuditEvents(audit: AuditDispatcher, registry: Registry): void {
  const events = new Counter({
    name: 'gatehouse_auth_events_total',
    help: 'Authentication outcomes by audit event type and reason (events that could tell which accounts exist are left out)',
    labelNames: ['type', 'reason'],
    registers: [registry],
  });
  audit.addSink({
    async write(batch) {
      for (const event of batch) {
        const type = metricTypeOf(event.type);
        if (type !== undefined) events.inc({ type, reason: event.reason ?? '' });
      }
    },
  });
}
