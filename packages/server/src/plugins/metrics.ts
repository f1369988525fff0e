import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue } from '@gatehouse/core';

/**
 * Background jobs by state, read from the queue at scrape time: `waiting` growing means mail
 * is not going out (a wrong SMTP_URL shows in `failed` and in job.failed events). Every
 * enumeration-safe request queues one job whatever the address, so the counts move alike
 * while delivery works; `failed` (like job.failed) moves only when a delivery, necessarily to
 * an existing account, fails — one more reason to keep /metrics off the public port.
 */
export function gaugeJobs(jobs: JobQueue, registry: Registry): void {
  new Gauge({
    name: 'gatehouse_jobs',
    help: 'Background jobs (mail, SMS) by state: waiting (incl. retrying), active, failed',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      // A backend outage must not break the whole scrape; the readiness check reports it.
      const counts = await jobs.counts().catch(() => null);
      if (!counts) return;
      for (const state of ['waiting', 'active', 'failed'] as const) this.set({ state }, counts[state]);
    },
  });
}

/**
 * Prometheus metrics on a registry of this app's own (several apps may share a
 * process in tests). Routes are labelled by their pattern, never the raw URL, so
 * ids and tokens in paths cannot explode cardinality or leak. Audit events are counted
 * by auth-event-metrics.ts; `GET /metrics` is served by `metricsRoute`.
 */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const duration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests answered',
    labelNames,
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    duration.observe(labels, reply.elapsedTime / 1000);
    requests.inc(labels);
  });

  return registry;
}

/** `GET /metrics` in Prometheus text format, inside the operations area (operations.ts). */
export function metricsRoute(scope: FastifyInstance, registry: Registry): void {
  scope.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}
