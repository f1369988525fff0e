/**
 * The `twilio` SMS transport: one POST to Twilio's Messages resource per message. Sorted for
 * the job queue: 2xx is sent; 429, 5xx, network errors and timeouts are retried; any other
 * 4xx (an invalid number, a blocked recipient, bad credentials) is a PermanentDeliveryError
 * naming Twilio's error code. The auth token never appears in an error.
 */
import { PermanentDeliveryError, type SmsMessage, type SmsSender } from '@gatehouse/core';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** An E.164 sender number, or a Messaging Service SID (MG...). */
  from: string;
  /** The REST API base (https://api.twilio.com; tests point it at a local fake). */
  apiUrl: string;
  /** Per request, including reading the answer. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class TwilioSmsSender implements SmsSender {
  private readonly endpoint: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(private readonly settings: TwilioSettings) {
    const base = settings.apiUrl.replace(/\/+$/, '');
    this.endpoint = `${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: SmsMessage): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let status: number;
    let body: string;
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: this.form(message),
        signal,
      });
      status = response.status;
      body = await response.text();
    } catch (error) {
      throw new Error(`Twilio request failed (${this.describe(error, signal)})`);
    }
    this.check(status, body);
  }

  private form(message: SmsMessage): URLSearchParams {
    const { from } = this.settings;
    // A Messaging Service SID lets Twilio pick the sender from the service's pool.
    const sender: [string, string] = from.startsWith('MG') ? ['MessagingServiceSid', from] : ['From', from];
    return new URLSearchParams([['To', message.to], sender, ['Body', message.text]]);
  }

  private check(status: number, body: string): void {
    if (status >= 200 && status < 300) return;
    const detail = `HTTP ${status}${twilioErrorCode(body)}`;
    if (status === 429 || status >= 500) throw new Error(`Twilio is unavailable, will retry (${detail})`);
    throw new PermanentDeliveryError(`Twilio refused the message (${detail})`);
  }

  private describe(error: unknown, signal: AbortSignal): string {
    if (signal.aborted) return `no answer within ${this.timeoutMs} ms`;
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const text = cause instanceof Error ? cause.message : String(cause);
    const { authToken } = this.settings;
    return authToken === '' ? text : text.split(authToken).join('[redacted]');
  }
}

/** ", Twilio error 21211" from Twilio's JSON error body, or nothing when there is none. */
function twilioErrorCode(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    const code =
      typeof parsed === 'object' && parsed !== null ? (parsed as { code?: unknown }).code : undefined;
    return typeof code === 'number' && Number.isInteger(code) ? `, Twilio error ${code}` : '';
  } catch {
    return '';
  }
}
