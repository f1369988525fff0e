export * from './types.js';
export { renderEmail, renderSms, escapeHtml, type Brand, type RenderedEmail } from './templates.js';
export {
  OutboxStore,
  extractLinks,
  extractCodes,
  type OutboxEntry,
  type OutboxChannel,
  type OutboxOptions,
} from './outbox.js';
