/** `mail`, `sms` and `jobs`: how messages leave, and the durable jobs that send them. */
import * as z from 'zod';

import { hasScheme, isHttpBaseUrl } from '../checks.js';
import { checked, int, nonEmpty } from '../schema-kit.js';

export const mailSchema = z.strictObject({
  // 'outbox' stores messages for the development outbox (API.md); 'smtp' sends them.
  // Resolved: 'outbox' outside production. In production it must be chosen explicitly
  // (an outbox there would silently swallow every verification and reset email).
  transport: z.enum(['outbox', 'smtp']).optional(),
  // smtp://user:pass@host:587 (STARTTLS when offered) or smtps://...:465 (implicit TLS).
  smtpUrl: checked(hasScheme('smtp', 'smtps'), 'an smtp:// or smtps:// URL').optional(),
  // Verify the SMTP server's certificate (turn off only for a private relay with a
  // self-signed certificate; lint warns).
  smtpRejectUnauthorized: z.boolean().default(true),
  // Refuse to send over a connection that did not upgrade to TLS (smtp:// only).
  smtpRequireTls: z.boolean().default(false),
  // The From header.
  from: nonEmpty.default('Gatehouse <no-reply@localhost>'),
  // Product name used in subjects and bodies.
  productName: nonEmpty.max(100).default('Gatehouse'),
  // Base URL of the pages that links open (verify email, reset password). Resolved:
  // the public URL.
  appUrl: checked(isHttpBaseUrl, 'an http(s) URL without credentials, query or fragment').optional(),
});

export const smsSchema = z.strictObject({
  // 'outbox' (development), 'twilio', or 'none' (no SMS: SMS codes are not offered).
  // Resolved: 'outbox' outside production, 'none' in production.
  transport: z.enum(['outbox', 'twilio', 'none']).optional(),
  twilio: z
    .strictObject({
      accountSid: nonEmpty.optional(),
      authToken: nonEmpty.optional(),
      // Sender number (E.164) or messaging service id.
      from: nonEmpty.optional(),
      // The REST API base; tests point it at a local fake.
      apiUrl: checked(hasScheme('https', 'http'), 'an http(s) URL').default('https://api.twilio.com'),
    })
    .prefault({}),
});

export const jobsSchema = z.strictObject({
  // Attempts per job before it is kept as failed: 8 attempts with exponential backoff
  // from 2 s span about 4 minutes, enough to ride out a mail server restart.
  maxAttempts: int(1, 50).default(8),
  backoffBaseMs: int(10, 3_600_000).default(2_000),
  // Jobs processed at once per instance.
  concurrency: int(1, 64).default(4),
  // SQL queue: how often an idle worker looks for due jobs, and how long a claimed job
  // is leased before another worker may take it over (a crashed worker's jobs resume).
  pollIntervalMs: int(10, 60_000).default(500),
  leaseSeconds: int(5, 3_600).default(60),
  // BullMQ queue name (Redis only): deployments sharing one Redis must use different names,
  // or one would run (and drop) the other's jobs.
  queueName: checked((value) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(value), 'a slug like gatehouse-eu').default(
    'jobs',
  ),
  // BullMQ (Redis only): deadline of an enqueue or a count, and of the first connection at
  // start. 2 s: a request that queues a mail fails closed rather than wait on a lost Redis.
  redisCommandTimeoutMs: int(1).default(2_000),
});
