/**
 * The wording of every message Gatehouse sends. Each template describes its content once,
 * as blocks (message-content.ts): the messages carrying a one-time secret are in
 * secret-templates.ts, the notices in notice-templates.ts. The plain-text and HTML
 * renderings are built from those blocks, so the two never drift apart, and HTML escaping
 * happens in one place (render-html.ts). Every variable is treated as hostile
 * (template-vars.ts).
 */
import type { Template } from './message-content.js';
import { noticeTemplates } from './notice-templates.js';
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import { secretTemplates } from './secret-templates.js';
import { oneLine, TemplateVars } from './template-vars.js';
import type { MessageTemplate, TemplateData } from './types.js';

export { escapeHtml } from './render-html.js';

export interface Brand {
  productName: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const TEMPLATES: Record<MessageTemplate, Template> = { ...secretTemplates, ...noticeTemplates };

export function renderEmail(template: MessageTemplate, data: TemplateData, brand: Brand): RenderedEmail {
  const product = oneLine(brand.productName);
  const content = TEMPLATES[template](new TemplateVars(data), product);
  return { subject: content.subject, text: renderText(content, product), html: renderHtml(content, product) };
}

export function renderSms(template: MessageTemplate, data: TemplateData, brand: Brand): string {
  return TEMPLATES[template](new TemplateVars(data), oneLine(brand.productName)).sms;
}
