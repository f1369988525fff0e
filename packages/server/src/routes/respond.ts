import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Failure } from '@gatehouse/core';
import { problem } from '../errors/problem.js';
import { sendProblem } from '../plugins/error-handler.js';

/** What to do next, where the HTTP API can say it better than the code alone. */
const NEXT_STEP: Partial<Record<Failure['code'], string>> = {
  step_up_required: 'Confirm your identity with POST /api/v1/auth/step-up first',
};

/** An engine failure value as a problem document (with `retry-after` for 429/423). */
export function sendFailure(request: FastifyRequest, reply: FastifyReply, failure: Failure): FastifyReply {
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  const detail = NEXT_STEP[failure.code];
  return sendProblem(
    reply,
    problem(failure.code, request.id, {
      ...(failure.reason ? { reason: failure.reason } : {}),
      ...(detail ? { detail } : {}),
    }),
  );
}
