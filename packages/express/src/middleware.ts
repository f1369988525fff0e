/**
 * The Express middleware: `gatehouse({ issuer })` is a handler that verifies the bearer
 * and sets `req.auth` (the token's verified claims) or answers with Gatehouse's own problem
 * documents; its `requireRole` and `requireStepUp` do the same and then check the claims.
 * Written against the middleware signature both Express 4 and 5 call (no reliance on
 * Express 5 catching rejected promises).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  RemoteVerifier,
  accessProblemHeaders,
  authenticateBearer,
  roleProblem,
  stepUpProblem,
  type AccessProblem,
  type AccessTokenClaims,
  type RemoteVerifierOptions,
} from '@gatehouse/core';

/** API.md "Step-up": factor and identity changes need a sign-in within 5 minutes. */
const DEFAULT_STEP_UP_SECONDS = 300;

export type GatehouseExpressOptions = RemoteVerifierOptions;

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified access-token claims, once a Gatehouse middleware ran. */
    auth?: AccessTokenClaims;
  }
}

export interface GatehouseMiddleware extends RequestHandler {
  verifier: RemoteVerifier;
  /** Authenticates, then 403 `forbidden` unless the token holds `role`. */
  requireRole(role: string): RequestHandler;
  /** Authenticates, then 403 `step_up_required` unless the sign-in is at most `maxAgeSeconds` old. */
  requireStepUp(maxAgeSeconds?: number): RequestHandler;
}

function sendProblem(res: Response, problem: AccessProblem): void {
  res.status(problem.status).set(accessProblemHeaders(problem)).send(JSON.stringify(problem));
}

/** A handler that authenticates (once per request), then refuses when `refusal` finds a problem. */
function guard(
  verifier: RemoteVerifier,
  refusal: (claims: AccessTokenClaims) => AccessProblem | undefined,
): RequestHandler {
  const check = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!req.auth) {
      const result = await authenticateBearer(verifier, req.headers.authorization);
      if (!result.ok) return sendProblem(res, result.problem);
      req.auth = result.claims;
    }
    const problem = refusal(req.auth);
    if (problem) return sendProblem(res, problem);
    next();
  };
  return (req, res, next) => {
    check(req, res, next).catch(next);
  };
}

export function gatehouse(options: GatehouseExpressOptions): GatehouseMiddleware {
  const verifier = new RemoteVerifier(options);
  const middleware = guard(verifier, () => undefined);
  return Object.assign(middleware, {
    verifier,
    requireRole: (role: string) => guard(verifier, (claims) => roleProblem(claims, role)),
    requireStepUp: (maxAgeSeconds = DEFAULT_STEP_UP_SECONDS) =>
      guard(verifier, (claims) => stepUpProblem(claims, maxAgeSeconds, verifier.now())),
  });
}
