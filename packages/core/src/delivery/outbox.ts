/**
 * The `outbox` transport (development): instead of sending, every email and SMS is stored in
 * `outbox_messages`, which the server lists (API.md "Development outbox"), so
 * tests and developers read links and codes without a mail server. The table is bounded
 * (newest `maxMessages`, none older than `maxAgeMs`) so a long-running dev database does not grow.
 */
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { outboxMessages } from '../database/schema.js';
import type { Database } from '../database/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { systemRandom, type RandomSource } from '../util/random.js';
import type { EmailMessage, Mailer, MessageTemplate, SmsMessage, SmsSender, TemplateData } from './types.js';

export type OutboxChannel = 'email' | 'sms';

/** One stored message as the development outbox lists it. */
export interface OutboxEntry {
  id: string;
  to: string;
  channel: OutboxChannel;
  template: MessageTemplate;
  /** Null for SMS. */
  subject: string | null;
  text: string;
  /** Null for SMS. */
  html: string | null;
  createdAt: string;
  /** The http(s) URLs in the text, in order. */
  links: string[];
  /** The one-time codes among the variables (`code`, `...Code`), as strings. */
  codes: string[];
  data: Record<string, unknown>;
}

export interface OutboxOptions {
  clock?: Clock;
  random?: RandomSource;
  maxMessages?: number;
  maxAgeMs?: number;
}

const DEFAULT_MAX_MESSAGES = 1000;
const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

type NewOutboxRow = Omit<typeof outboxMessages.$inferInsert, 'id' | 'createdAt'>;

export class OutboxStore {
  /** The Mailer port over this store. */
  readonly mailer: Mailer = { send: (message) => this.storeEmail(message) };
  /** The SmsSender port over this store. */
  readonly sms: SmsSender = { send: (message) => this.storeSms(message) };

  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly maxMessages: number;
  private readonly maxAgeMs: number;
  private lastCreatedAt = 0;

  constructor(
    private readonly database: Database,
    options: OutboxOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.maxMessages = Math.max(1, options.maxMessages ?? DEFAULT_MAX_MESSAGES);
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  }

  storeEmail(message: EmailMessage): Promise<void> {
    const { to, template, subject, text, html, data } = message;
    return this.store({ recipient: to, channel: 'email', template, subject, text, html, data });
  }

  storeSms(message: SmsMessage): Promise<void> {
    const { to, template, text, data } = message;
    return this.store({ recipient: to, channel: 'sms', template, subject: null, text, html: null, data });
  }

  /** Messages to `to`, newest first: emails match case-insensitively, phone numbers exactly. */
  async list(to: string, limit = 50): Promise<OutboxEntry[]> {
    // PostgreSQL text cannot hold NUL: such an address has no messages (and must not fail).
    if (to.includes('\u0000') || !(limit >= 1)) return [];
    const { recipient, channel, createdAt } = outboxMessages;
    const rows = await this.database.db
      .select()
      .from(outboxMessages)
      .where(
        or(
          and(eq(channel, 'email'), eq(sql`lower(${recipient})`, to.toLowerCase())),
          and(eq(channel, 'sms'), eq(recipient, to)),
        ),
      )
      .orderBy(desc(createdAt))
      .limit(Math.floor(limit));
    return rows.map(toEntry);
  }

  private async store(row: NewOutboxRow): Promise<void> {
    const createdAt = this.nextCreatedAt();
    // Pruned before the insert: a failed prune then fails the send before anything is
    // stored, so the job's retry cannot leave the same message twice.
    await this.prune(createdAt);
    await this.database.db.insert(outboxMessages).values({ ...row, id: this.random.uuid(), createdAt });
  }

  /**
   * Strictly increasing per store: two messages sent within one millisecond (or under a
   * frozen test clock) still list in the order they were sent.
   */
  private nextCreatedAt(): Date {
    this.lastCreatedAt = Math.max(this.clock.now(), this.lastCreatedAt + 1);
    return new Date(this.lastCreatedAt);
  }

  /** Drops expired messages and all but the newest `maxMessages - 1` (room for the next one). */
  private async prune(now: Date): Promise<void> {
    const { id, createdAt } = outboxMessages;
    const beyondLimit = this.database.db
      .select({ id })
      .from(outboxMessages)
      .orderBy(desc(createdAt))
      .offset(this.maxMessages - 1);
    await this.database.db
      .delete(outboxMessages)
      .where(or(lt(createdAt, new Date(now.getTime() - this.maxAgeMs)), inArray(id, beyondLimit)));
  }
}

function toEntry(row: typeof outboxMessages.$inferSelect): OutboxEntry {
  return {
    id: row.id,
    to: row.recipient,
    channel: row.channel as OutboxChannel,
    template: row.template as MessageTemplate,
    subject: row.subject,
    text: row.text,
    html: row.html,
    createdAt: row.createdAt.toISOString(),
    links: extractLinks(row.text),
    codes: extractCodes(row.data),
    data: row.data,
  };
}

// Stops at whitespace, quotes and angle brackets; trailing sentence punctuation is not part of a link.
const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

export function extractLinks(text: string): string[] {
  return [...text.matchAll(URL_PATTERN)].map((match) => match[0].replace(TRAILING_PUNCTUATION, ''));
}

/** `code` and any `...Code` / `..._code` variable (a future backupCode, say). */
export function extractCodes(data: Record<string, unknown> | TemplateData): string[] {
  return Object.entries(data)
    .filter(([key, value]) => /^code$|Code$|_code$/.test(key) && isCodeValue(value))
    .map(([, value]) => String(value));
}

const isCodeValue = (value: unknown): value is string | number =>
  (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
