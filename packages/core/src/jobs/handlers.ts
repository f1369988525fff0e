import { PermanentJobError, type Job, type JobPayload } from './types.js';

/**
 * A capability's background work: job name → what the worker does. Each capability owns its
 * names and handlers; the engine merges them into one table. Names are stored in queued jobs,
 * so a name never changes once released.
 */
export type JobHandlers<P> = Readonly<Record<string, (parts: P, job: Job) => Promise<void>>>;

/** A string field a job cannot run without (a malformed payload will not heal on retry). */
export function payloadText(payload: JobPayload, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string') throw new PermanentJobError(`Job payload lacks ${key}`);
  return value;
}

export function payloadOptional(payload: JobPayload, key: string): string | undefined {
  const value = payload[key];
  return typeof value === 'string' ? value : undefined;
}
