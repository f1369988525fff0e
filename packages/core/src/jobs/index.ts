export * from './types.js';
export { SqlJobQueue, type SqlJobQueueOptions } from './sql-queue.js';
export {
  BullMqJobQueue,
  DEFAULT_JOB_PREFIX,
  DEFAULT_QUEUE_NAME,
  type BullMqJobQueueOptions,
} from './bullmq-queue.js';
export { openJobQueue, type OpenJobQueueOptions } from './open.js';
