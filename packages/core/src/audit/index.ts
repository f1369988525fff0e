export * from './types.js';
export {
  AuditDispatcher,
  logAuditSink,
  MemoryAuditSink,
  type AuditDispatcherOptions,
  type AuditInput,
} from './dispatcher.js';
