import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AuthEngine, OutboxStore } from '@gatehouse/core';
import { registerCors } from './plugins/cors.js';
import { registerErrorHandling } from './plugins/error-handler.js';
import { answerClientError, answerFrameworkError } from './plugins/framework-errors.js';
import { closeConnectionsWhileDraining, refuseWhileDraining } from './plugins/graceful-close.js';
import { acceptJsonOnly } from './plugins/json-only.js';
import { countAuditEvents } from './plugins/auth-event-metrics.js';
import { gaugeJobs, metricsRoute, registerMetrics } from './plugins/metrics.js';
import { registerDocsUi, registerOpenApi } from './plugins/openapi.js';
import { registerOperationsArea } from './plugins/operations.js';
import { generateRequestId, registerRequestIdHeader } from './plugins/request-id.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { createProxyTrust, warnAboutUntrustedForwarding } from './plugins/trusted-proxies.js';
import { registerApiArea } from './plugins/api-area.js';
import { registerRequestContext } from './plugins/request-context.js';
import { registerBrowserSessions } from './browser/browser-sessions.js';
import { csrfRoutes } from './routes/auth/csrf.js';
import { adminRoutes } from './routes/admin/admin.js';
import { credentialRoutes } from './routes/auth/credentials.js';
import { emailVerificationRoutes } from './routes/auth/email-verification.js';
import { mfaRoutes } from './routes/auth/mfa.js';
import { webauthnRoutes } from './routes/auth/webauthn.js';
import { mfaSmsRoutes } from './routes/auth/mfa-sms.js';
import { passwordResetRoutes } from './routes/auth/password-reset.js';
import { magicLinkRoutes } from './routes/auth/magic-link.js';
import { emailChangeRoutes } from './routes/users/email-change.js';
import { outboxRoutes } from './routes/dev/outbox.js';
import { userRoutes } from './routes/users/users.js';
import { tokenRoutes } from './routes/auth/tokens.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/sessions/sessions.js';
import { jwksRoutes } from './routes/jwks.js';
import { oauthRoutes } from './routes/oauth/oauth.js';
import { registerAccountPages } from './routes/pages/page-scope.js';

export interface BuildAppOptions {
  /** A pino logger; the default is silent (embedding apps and tests). */
  logger?: FastifyBaseLogger;
  /**
   * The outbox transport's store, listed at GET /api/v1/dev/outbox (default: the engine's own
   * when it made one). Never exposed in production.
   */
  outbox?: OutboxStore | undefined;
}

/**
 * The Fastify app around an opened engine. It is returned before `ready()`, so
 * callers (and tests) may register more routes first.
 */
export async function buildApp(engine: AuthEngine, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { gatehouse } = engine;
  const { server, tenancy } = gatehouse.config;
  const trustsProxy = createProxyTrust(server.trustedProxies);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    genReqId: generateRequestId,
    requestIdHeader: false,
    bodyLimit: server.bodyLimitBytes,
    trustProxy: (address: string) => trustsProxy(address),
    // Answered as problem documents: the framework's own answers are bare JSON.
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    return503OnClosing: false, // refuseWhileDraining answers instead
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  acceptJsonOnly(app);
  registerRequestIdHeader(app);
  refuseWhileDraining(app);
  closeConnectionsWhileDraining(app);
  registerErrorHandling(app);
  warnAboutUntrustedForwarding(app, trustsProxy);
  await registerSecurityHeaders(app);
  await registerCors(app, server.corsOrigins);
  await registerOpenApi(app, server.publicUrl);
  const registry = registerMetrics(app);
  countAuditEvents(engine.audit, registry);
  gaugeJobs(gatehouse.jobs, registry);
  const operations = { separateListener: server.metricsPort !== undefined, token: server.metricsToken };
  await registerOperationsArea(app, operations, async (scope) => {
    metricsRoute(scope, registry);
    if (server.docs) await registerDocsUi(scope);
  });

  app.decorateRequest('auth', null);
  registerRequestContext(app, engine.tenants, tenancy.multiTenant);
  await registerBrowserSessions(app, engine);

  await app.register(async (scope) => healthRoutes(scope, gatehouse));
  await app.register(async (scope) => jwksRoutes(scope, gatehouse));
  await registerAccountPages(app, engine);
  const auth = { bodyLimit: server.authBodyLimitBytes, noStore: true };
  await registerApiArea(
    app,
    '/api/v1/auth',
    async (scope) => {
      await credentialRoutes(scope, engine);
      await tokenRoutes(scope, engine);
      await csrfRoutes(scope);
      await emailVerificationRoutes(scope, engine);
      await passwordResetRoutes(scope, engine);
      await mfaRoutes(scope, engine);
      await webauthnRoutes(scope, engine);
      await magicLinkRoutes(scope, engine);
      await mfaSmsRoutes(scope, engine);
    },
    auth,
  );
  await registerApiArea(app, '/api/v1/users', (scope) => userRoutes(scope, engine), auth);
  await registerApiArea(app, '/api/v1/users', (scope) => emailChangeRoutes(scope, engine), auth);
  await registerApiArea(app, '/api/v1/sessions', (scope) => sessionRoutes(scope, engine), {
    bodyLimit: server.bodyLimitBytes,
    noStore: true,
  });
  await registerApiArea(app, '/api/v1/admin', (scope) => adminRoutes(scope, engine), {
    bodyLimit: server.bodyLimitBytes,
    noStore: true,
  });
  await registerApiArea(app, '/api/v1/oauth', (scope) => oauthRoutes(scope, engine), auth);
  const outbox = 'outbox' in options ? options.outbox : engine.outbox;
  if (outbox && gatehouse.config.environment !== 'production') {
    await registerApiArea(app, '/api/v1/dev', (scope) => outboxRoutes(scope, outbox), {
      bodyLimit: server.bodyLimitBytes,
      noStore: true,
    });
  }
  return app;
}
