/** `audit`: the security events every flow emits. */
import * as z from 'zod';

import { int } from '../schema-kit.js';

export const auditSchema = z.strictObject({
  // Events waiting for the sink, per instance, at most: beyond it the oldest are dropped
  // and counted, so a flood (or a stuck sink) cannot exhaust memory. 10 000 events are a
  // few MiB.
  maxQueuedEvents: int(1).default(10_000),
});
