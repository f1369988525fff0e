import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AuthEngine, type Gatehouse, type GatehouseConfig } from '@gatehouse/core';
import { buildApp } from './app.js';
import { engineLinks } from './routes/links.js';
import { createTransports } from './delivery/transports.js';
import { loadServerConfig } from './config/load.js';
import { createLogger } from './logging.js';
import { openGatehouseWithProgress } from './open-storage.js';
import { listenForOperations, type OperationsListener } from './plugins/operations.js';
import { closeGracefully } from './plugins/graceful-close.js';

export interface RunningServer {
  app: FastifyInstance;
  gatehouse: Gatehouse;
  /** The address it listens on, e.g. http://127.0.0.1:3000. */
  address: string;
  /** The operations listener (/metrics, /docs) when server.metricsPort is set. */
  operationsAddress?: string | undefined;
  logger: Logger;
  /** Stop accepting, let in-flight requests finish, close the backends. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  env?: NodeJS.ProcessEnv;
  /** Install SIGTERM/SIGINT handlers that shut down gracefully (the CLI does). */
  handleSignals?: boolean;
  logger?: Logger;
}

/** Reads the environment, opens the engine, listens; fails with a clear message on bad config. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { config, warnings } = await loadServerConfig(options.env ?? process.env);
  const logger = options.logger ?? (await createLogger(config));
  for (const warning of warnings) logger.warn({ key: warning.key }, `config: ${warning.message}`);

  const gatehouse = await openGatehouseWithProgress(config, logger, {
    onJobError: (error) => logger.warn({ err: error }, 'background jobs: the queue backend failed; retrying'),
  });
  for (const notice of gatehouse.notices) logger[notice.level](notice.message);

  const transports = createTransports(config, gatehouse.database);
  const engine = new AuthEngine(gatehouse, {
    log: (event) => logger.info({ audit: event }, event.type),
    mailer: transports.mailer,
    sms: transports.sms,
    links: engineLinks(config.server.publicUrl),
  });
  let app: FastifyInstance | undefined;
  let address: string;
  let operations: OperationsListener | undefined;
  try {
    await engine.start();
    app = await buildApp(engine, { logger, outbox: transports.outbox });
    address = await app.listen({ host: config.server.host, port: config.server.port });
    const { metricsHost, metricsPort } = config.server;
    if (metricsPort !== undefined) operations = await listenForOperations(app, metricsHost, metricsPort);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await engine.close().catch(() => undefined);
    await gatehouse.close();
    throw error;
  }
  const api = app;
  if (operations)
    logger.info(
      `Operations endpoints (/metrics${config.server.docs ? ', /docs' : ''}) on ${operations.address}`,
    );
  warnAboutExposedOutbox(config, logger);
  // Cookie mode says what browsers will get (development: not Secure, on plain http).
  const browser = app.browserSessions;
  if (browser) {
    const level = config.server.cookiePolicy === 'development' ? 'warn' : 'info';
    logger[level](browser.policy.description);
  }
  logger.info(
    { database: gatehouse.database.location, stateStore: gatehouse.stateStore.kind },
    `Gatehouse listening on ${address} (public URL ${config.server.publicUrl})`,
  );

  let closing: Promise<void> | undefined;
  // Each step says when it is done, so a shutdown that overruns its grace names the step.
  const step = async (name: string, run: () => Promise<unknown> | undefined) => {
    const started = performance.now();
    await run();
    logger.info(`Shutdown: ${name} in ${Math.round(performance.now() - started)} ms`);
  };
  const close = () =>
    (closing ??= (async () => {
      await step('operations listener closed', () => operations?.close());
      await step('HTTP requests drained and listener closed', () =>
        closeGracefully(api, config.server.shutdownGraceMs),
      );
      await step('background jobs stopped and audit flushed', () => engine.close());
      await step('mail and SMS transports closed', async () => {
        await transports.mailer.close?.();
        await transports.sms?.close?.();
      });
      await step('database, state store and keys closed', () => gatehouse.close());
    })());

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info(`${signal} received: draining requests and closing backends`);
      const force = setTimeout(() => {
        logger.error(`Shutdown took longer than ${config.server.shutdownGraceMs} ms; exiting`);
        process.exit(1);
      }, config.server.shutdownGraceMs);
      force.unref();
      close().then(
        () => {
          logger.info('Gatehouse stopped');
          logger.flush?.();
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'Shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { app: api, gatehouse, address, operationsAddress: operations?.address, logger, close };
}

/** API.md: the outbox holds live links and codes; listening beyond loopback deserves a warning. */
function warnAboutExposedOutbox(config: GatehouseConfig, logger: Logger): void {
  const usesOutbox = config.mail.transport === 'outbox' || config.sms.transport === 'outbox';
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(config.server.host);
  if (!usesOutbox || loopback) return;
  logger.warn(
    `The outbox mail/SMS transport stores messages instead of sending them, and the server listens on ${config.server.host}: ` +
      'set GATEHOUSE_MAIL_TRANSPORT=smtp (and SMTP_URL) for real delivery. ' +
      (config.environment === 'production'
        ? 'GET /api/v1/dev/outbox does not exist in production.'
        : 'GET /api/v1/dev/outbox still answers loopback callers only.'),
  );
}
