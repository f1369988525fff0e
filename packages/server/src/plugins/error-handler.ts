import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { BackendUnavailableError, isAuthError, isDatabaseUnavailable } from '@gatehouse/core';
import { PROBLEM_CONTENT_TYPE, problem, type ProblemCode, type ProblemDocument } from '../errors/problem.js';

/**
 * Every error becomes an RFC 9457 problem document with a stable `code`. Nothing
 * internal (stack, SQL, driver messages) reaches the body; 5xx are logged instead.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const document = toProblem(error, request.id);
    if (document.status >= 500) {
      request.log.error({ err: error, code: document.code }, 'request failed');
    }
    return sendProblem(reply, document);
  });

  app.setNotFoundHandler((request, reply) => {
    const allowed = allowedMethods(app, request);
    // OPTIONS alone is CORS's preflight route, which matches every path: still an unknown path.
    if (allowed.every((method) => method === 'OPTIONS')) {
      return sendProblem(reply, problem('not_found', request.id));
    }
    // RFC 9110: a 405 names the methods the path does take.
    reply.header('allow', allowed.join(', '));
    return sendProblem(reply, problem('method_not_allowed', request.id));
  });
}

const METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The methods some route takes at this request's path, or none when the path itself is
 * unknown (404). Asks the router, so parameters and wildcards match as for a request.
 */
function allowedMethods(app: FastifyInstance, request: FastifyRequest): HTTPMethods[] {
  const path = request.url.split('?', 1)[0] ?? '/';
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
}

export function sendProblem(reply: FastifyReply, document: ProblemDocument): FastifyReply {
  return reply.code(document.status).header('content-type', PROBLEM_CONTENT_TYPE).send(document);
}

function toProblem(error: FastifyError, requestId: string): ProblemDocument {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      path: pathOf(issue.instancePath, error.validationContext),
      message: issue.message ?? 'Invalid value',
    }));
    return problem('validation_error', requestId, { errors });
  }
  if (error instanceof BackendUnavailableError || isDatabaseUnavailable(error)) {
    return problem('unavailable', requestId);
  }
  if (isAuthError(error)) {
    return problem(error.code, requestId, error.code === 'internal_error' ? {} : { detail: error.message });
  }
  if (error.validation) {
    return problem('validation_error', requestId, {
      errors: error.validation.map((issue) => ({
        path: pathOf(issue.instancePath, error.validationContext),
        message: issue.message ?? 'Invalid value',
      })),
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return problem(codeForClientError(status), requestId, clientDetail(error));
  return problem('internal_error', requestId);
}

function codeForClientError(status: number): ProblemCode {
  switch (status) {
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    default:
      return 'validation_error';
  }
}

// Fastify's own 4xx messages (bad JSON, empty body) are safe and useful; keep them short.
function clientDetail(error: FastifyError): { detail?: string } {
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return { detail: 'The body is not valid JSON' };
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { detail: 'The JSON body is empty' };
  return {};
}

function pathOf(instancePath: string | undefined, context: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  if (path) return path;
  return context ?? '';
}
