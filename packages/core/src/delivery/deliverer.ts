import { PermanentJobError } from '../jobs/types.js';
import { renderEmail, renderSms } from './templates.js';
import {
  PermanentDeliveryError,
  type Mailer,
  type MessageTemplate,
  type SmsSender,
  type TemplateData,
} from './types.js';

/**
 * Renders a template and hands it to the transport. Runs inside jobs: a transport error
 * propagates so the queue retries; a permanent one (the address is refused) becomes a
 * PermanentJobError so the queue stops retrying.
 */
export class Deliverer {
  constructor(
    private readonly mailer: Mailer,
    private readonly sms: SmsSender | undefined,
    private readonly brand: { productName: string },
  ) {}

  async email(to: string, template: MessageTemplate, data: TemplateData): Promise<void> {
    const rendered = renderEmail(template, data, this.brand);
    await permanentAsJobError(() => this.mailer.send({ to, template, data, ...rendered }));
  }

  async text(to: string, template: MessageTemplate, data: TemplateData): Promise<void> {
    if (!this.sms) throw new PermanentJobError('No SMS transport is configured (sms.transport is none)');
    const sender = this.sms;
    const text = renderSms(template, data, this.brand);
    await permanentAsJobError(() => sender.send({ to, template, data, text }));
  }
}

async function permanentAsJobError(send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (error instanceof PermanentDeliveryError) throw new PermanentJobError(error.message, { cause: error });
    throw error;
  }
}
