/**
 * Picks the mail and SMS transports from the resolved config (`mail.transport`,
 * `sms.transport`). Both outbox transports share one store, which the dev outbox route reads.
 */
import {
  OutboxStore,
  type Database,
  type GatehouseConfig,
  type Mailer,
  type SmsSender,
} from '@gatehouse/core';
import { SmtpMailer } from './smtp-mailer.js';
import { TwilioSmsSender } from './twilio-sms.js';

export interface Transports {
  mailer: Mailer;
  /** Undefined with `sms.transport: 'none'`: SMS codes are then not offered. */
  sms: SmsSender | undefined;
  /** Set when either transport is the outbox. */
  outbox: OutboxStore | undefined;
}

export function createTransports(config: GatehouseConfig, database: Database): Transports {
  const usesOutbox = config.mail.transport === 'outbox' || config.sms.transport === 'outbox';
  const outbox = usesOutbox ? new OutboxStore(database) : undefined;
  return { mailer: createMailer(config, outbox), sms: createSmsSender(config, outbox), outbox };
}

function createMailer(config: GatehouseConfig, outbox: OutboxStore | undefined): Mailer {
  if (config.mail.transport === 'outbox' && outbox) return outbox.mailer;
  return new SmtpMailer(config.mail);
}

function createSmsSender(config: GatehouseConfig, outbox: OutboxStore | undefined): SmsSender | undefined {
  switch (config.sms.transport) {
    case 'outbox':
      return outbox?.sms;
    case 'twilio':
      return new TwilioSmsSender(twilioSettings(config.sms.twilio));
    case 'none':
      return undefined;
  }
}

/** The config check guarantees these with `sms.transport: 'twilio'`; this narrows the types. */
function twilioSettings(twilio: GatehouseConfig['sms']['twilio']) {
  const { accountSid, authToken, from, apiUrl } = twilio;
  if (accountSid === undefined || authToken === undefined || from === undefined) {
    throw new Error("sms.twilio.accountSid, authToken and from are required with sms.transport 'twilio'");
  }
  return { accountSid, authToken, from, apiUrl };
}
