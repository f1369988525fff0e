import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Failure } from '@gatehouse/core';
import { problem } from '../errors/problem.js';
import { sendProblem } from '../plugins/error-handler.js';

/** An engine failure value as a problem document (with `retry-after` for 429/423). */
export function sendFailure(request: FastifyRequest, reply: FastifyReply, failure: Failure): FastifyReply {
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  return sendProblem(
    reply,
    problem(failure.code, request.id, failure.reason ? { reason: failure.reason } : {}),
  );
}
