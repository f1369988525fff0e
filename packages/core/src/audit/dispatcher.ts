import type { AuditEvent, AuditInput, AuditSink } from './types.js';
import { configDefaults } from '../config/defaults.js';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';

export interface AuditDispatcherOptions {
  sink: AuditSink;
  clock?: Clock;
  /**
   * Events buffered at most (config `audit.maxQueuedEvents`); beyond it the oldest are
   * dropped and counted (a flood must not exhaust memory).
   */
  maxQueue?: number;
  /** Called when the sink fails or events are dropped (for logs/metrics). */
  onError?: (error: unknown, dropped: number) => void;
}

export type { AuditInput } from './types.js';

/**
 * Emitting never waits for the sink: flows call `emit()` and go on; events are
 * written in batches on the next tick. `flush()` waits until everything queued is written.
 */
export class AuditDispatcher {
  private queue: AuditEvent[] = [];
  private readonly sinks: AuditSink[];
  private writing: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly maxQueue: number;
  dropped = 0;

  constructor(private readonly options: AuditDispatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.maxQueue = options.maxQueue ?? configDefaults.audit.maxQueuedEvents;
    this.sinks = [options.sink];
  }

  /** Another destination for every event (e.g. the server's metrics). */
  addSink(sink: AuditSink): void {
    this.sinks.push(sink);
  }

  emit(event: AuditInput): void {
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.dropped++;
      this.options.onError?.(new Error('audit queue full'), 1);
    }
    this.queue.push({ ...event, at: new Date(this.clock.now()).toISOString() });
    this.writing ??= this.drain();
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // batch what the current tick emits
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        for (const sink of this.sinks) {
          try {
            await sink.write(batch);
          } catch (error) {
            this.options.onError?.(error, batch.length);
          }
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}

/** JSON lines through a logger-like function (the default sink). */
export function logAuditSink(log: (event: AuditEvent) => void): AuditSink {
  return {
    async write(events) {
      for (const event of events) log(event);
    },
  };
}

/** Keeps events in memory (tests, and the `issues` of an embedding app that wants them). */
export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  async write(events: readonly AuditEvent[]): Promise<void> {
    this.events.push(...events);
  }
}
