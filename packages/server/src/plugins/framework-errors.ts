import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem, type ProblemCode, type ProblemDocument } from '../errors/problem.js';
import { sendProblem } from './error-handler.js';

/**
 * The answers Fastify and Node's HTTP parser would otherwise write themselves, as bare
 * framework JSON (`{"error":"Bad Request","code":"FST_ERR_..."}`): here each becomes a
 * problem document with a stable code and a requestId, like every other error.
 */

/**
 * Node's parser refuses a request before any Fastify code runs (headers over 16 KiB, a
 * malformed request line, a request too slow to arrive): there is no request or reply, so
 * the answer is written on the socket (Fastify's `clientErrorHandler` option).
 */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ProblemCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'request_header_too_large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request_timeout'
        : 'validation_error';
  const document = problem(
    code,
    randomUUID(),
    code === 'validation_error' ? { detail: 'The HTTP request could not be parsed' } : {},
  );
  this.log.debug({ code: error.code, requestId: document.requestId }, 'refused a malformed HTTP request');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawResponse(document), () => socket.destroy());
}

function rawResponse(document: ProblemDocument): string {
  const body = JSON.stringify(document);
  const head = [
    `HTTP/1.1 ${document.status} ${STATUS_CODES[document.status] ?? ''}`,
    `content-type: ${PROBLEM_CONTENT_TYPE}`,
    `content-length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${document.requestId}`,
    'x-content-type-options: nosniff',
    'cache-control: no-store',
    'connection: close',
  ];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Errors the router raises before a route is chosen (Fastify's `frameworkErrors` option): a
 * path parameter over the router's limit (414), a URL that is not valid percent-encoding
 * (400). No hook has run, so the request id header is set here. The path is never echoed.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendProblem(reply, problem('uri_too_long', request.id));
  } else if (error.code === 'FST_ERR_BAD_URL') {
    const detail = 'The URL is not valid percent-encoding';
    sendProblem(reply, problem('validation_error', request.id, { detail }));
  } else {
    request.log.error({ err: error }, 'router failed');
    sendProblem(reply, problem('internal_error', request.id));
  }
}
