import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { GatehouseConfig } from '@gatehouse/core';

/**
 * Secrets never reach a log line: bodies are never logged, credential-bearing
 * headers are censored, and query strings keep their names but not their values
 * (links carry one-time tokens and codes).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
  '*.code',
  '*.codeVerifier',
];

export function loggerOptions(config: GatehouseConfig): LoggerOptions {
  return {
    level: config.server.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactQuery(request.url),
        remoteAddress: request.ip,
        requestId: request.id,
      }),
    },
  };
}

export function redactQuery(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  const names = [...params.keys()].map((name) => `${encodeURIComponent(name)}=[redacted]`);
  return `${url.slice(0, queryStart)}?${names.join('&')}`;
}
