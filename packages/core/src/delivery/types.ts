/**
 * The delivery ports: a `Mailer` sends rendered emails, an `SmsSender` rendered text
 * messages. Transports (outbox, SMTP, Twilio) implement them; flows never call them
 * directly but enqueue a job, so a crash between the request and the send loses nothing.
 */

/** Every message Gatehouse sends (API.md "Development outbox"). */
export const MESSAGE_TEMPLATES = [
  'verify_email',
  'password_reset',
  'magic_link',
  'account_exists',
  'password_changed',
  'new_signin',
  'mfa_changed',
  'email_change',
  'sms_code',
] as const;
export type MessageTemplate = (typeof MESSAGE_TEMPLATES)[number];

/** A template's variables: strings and numbers only (they end up in text and HTML). */
export type TemplateData = Record<string, string | number>;

export interface EmailMessage {
  to: string;
  template: MessageTemplate;
  subject: string;
  text: string;
  html: string;
  /** The variables the message was rendered from (kept by the outbox for tests). */
  data: TemplateData;
}

export interface SmsMessage {
  /** E.164 phone number. */
  to: string;
  template: MessageTemplate;
  text: string;
  data: TemplateData;
}

export interface Mailer {
  /** Resolves once the transport accepted the message; throws to have the job retried. */
  send(message: EmailMessage): Promise<void>;
  close?(): Promise<void>;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
  close?(): Promise<void>;
}

/** A failure that retrying cannot fix (e.g. the recipient address is refused): the job stops. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}
