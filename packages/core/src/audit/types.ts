/**
 * Audit events: one per security-relevant outcome (success, each failure reason,
 * conflicts, reuse detected, lockout). They carry identifiers, never secrets: no
 * password, token, code or hash may be put in `data` (a test scans every event).
 */
export interface AuditEvent {
  /** Dotted name, e.g. `login.succeeded`, `login.failed`, `refresh.conflict`, `refresh.reuse_detected`. */
  type: string;
  /** ISO 8601 UTC. */
  at: string;
  tenant: string;
  userId?: string | undefined;
  sessionId?: string | undefined;
  requestId?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** Machine-readable reason for failures (`invalid_credentials`, `rate_limited`, ...). */
  reason?: string | undefined;
  data?: Readonly<Record<string, string | number | boolean | null>> | undefined;
}

/** Where events go: the log by default; the Database sink arrives with the audit log API. */
export interface AuditSink {
  write(events: readonly AuditEvent[]): Promise<void>;
}

/** An event as a flow reports it; the dispatcher stamps `at`. */
export type AuditInput = Omit<AuditEvent, 'at'>;

/** Only the `emit` of an AuditDispatcher (flows never wait for the audit sink). */
export interface AuditEmitter {
  emit(event: AuditInput): void;
}
