/**
 * The `smtp` mail transport: nodemailer over `mail.smtpUrl`. Failures are sorted for the job
 * queue: a 5xx reply about the message itself (sender, recipient, content) is final and
 * becomes a PermanentDeliveryError; everything else (connection refused, timeouts, 4xx,
 * authentication) is retried. Error messages never carry the SMTP password.
 */
import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import {
  PermanentDeliveryError,
  type EmailMessage,
  type GatehouseConfig,
  type Mailer,
} from '@gatehouse/core';

export type SmtpSettings = Pick<
  GatehouseConfig['mail'],
  'smtpUrl' | 'smtpRejectUnauthorized' | 'smtpRequireTls' | 'from'
>;

export interface SmtpTimeouts {
  /** TCP (and implicit TLS) connect. */
  connectionMs: number;
  /** Waiting for the server's 220 greeting. */
  greetingMs: number;
  /** Inactivity on an open connection. */
  socketMs: number;
  /** The whole send: a server that trickles bytes cannot hold a job forever. */
  sendMs: number;
}

const DEFAULT_TIMEOUTS: SmtpTimeouts = {
  connectionMs: 10_000,
  greetingMs: 10_000,
  socketMs: 30_000,
  sendMs: 60_000,
};

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly redact: (text: string) => string;
  private readonly timeouts: SmtpTimeouts;

  constructor(
    private readonly settings: SmtpSettings,
    timeouts: Partial<SmtpTimeouts> = {},
  ) {
    if (settings.smtpUrl === undefined) throw new Error('mail.smtpUrl is required for the smtp transport');
    const server = parseSmtpUrl(settings.smtpUrl);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
    this.redact = redactor(settings.smtpUrl, server);
    // Built from parsed parts rather than `url`, so nodemailer never holds the URL (its query
    // string could otherwise override the TLS settings below).
    this.transport = nodemailer.createTransport({
      host: server.host,
      port: server.port,
      secure: server.secure,
      auth: server.user === '' && server.pass === '' ? undefined : { user: server.user, pass: server.pass },
      requireTLS: !server.secure && settings.smtpRequireTls,
      tls: { rejectUnauthorized: settings.smtpRejectUnauthorized },
      connectionTimeout: this.timeouts.connectionMs,
      greetingTimeout: this.timeouts.greetingMs,
      socketTimeout: this.timeouts.socketMs,
      dnsTimeout: this.timeouts.connectionMs,
      // Messages are our own rendered text: nothing may pull in local files or remote URLs.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: EmailMessage): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        signal: AbortSignal.timeout(this.timeouts.sendMs),
      });
    } catch (error) {
      throw deliveryError(error, this.redact);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

interface SmtpServer {
  host: string;
  port: number | undefined;
  secure: boolean;
  user: string;
  pass: string;
}

/** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465 (implicit TLS). */
export function parseSmtpUrl(value: string): SmtpServer {
  try {
    const url = new URL(value);
    return {
      // IPv6 literals keep their brackets in `hostname`; sockets want the bare address.
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? undefined : Number(url.port),
      secure: url.protocol === 'smtps:',
      user: decodeURIComponent(url.username),
      pass: decodeURIComponent(url.password),
    };
  } catch {
    // Not the URL itself: it holds the password.
    throw new Error('mail.smtpUrl is not a valid smtp:// or smtps:// URL');
  }
}

/** Replaces every spelling of the password an error could carry (plain, URL-encoded, base64 in AUTH). */
function redactor(smtpUrl: string, server: SmtpServer): (text: string) => string {
  const { user, pass } = server;
  const secrets =
    pass === ''
      ? [smtpUrl]
      : [
          smtpUrl,
          pass,
          encodeURIComponent(pass),
          new URL(smtpUrl).password,
          Buffer.from(`\u0000${user}\u0000${pass}`).toString('base64'),
          Buffer.from(pass).toString('base64'),
        ];
  const ordered = [...new Set(secrets)].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}

/**
 * A 5xx reply to MAIL FROM, RCPT TO or DATA (nodemailer's EENVELOPE / EMESSAGE) refuses this
 * message for good (RFC 5321 §4.2.1), except 503 (bad command sequence: a session problem).
 * A 5xx to AUTH is a configuration problem: once an operator fixes it, retries go through.
 */
function isPermanentRejection(error: NodemailerError): boolean {
  const code = error.responseCode;
  const aboutMessage = error.code === 'EENVELOPE' || error.code === 'EMESSAGE';
  return aboutMessage && typeof code === 'number' && code >= 500 && code < 600 && code !== 503;
}

function deliveryError(error: unknown, redact: (text: string) => string): Error {
  const failure: NodemailerError = error instanceof Error ? error : new Error(String(error));
  const reply = failure.responseCode === undefined ? '' : ` ${failure.responseCode}`;
  const detail = redact(`${failure.code ?? failure.name}${reply}: ${failure.message}`);
  // The original error is left out (no `cause`): its fields are not all redacted.
  return isPermanentRejection(failure)
    ? new PermanentDeliveryError(`SMTP server refused the message (${detail})`)
    : new Error(`SMTP delivery failed (${detail})`);
}
