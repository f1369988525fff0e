import type { FastifyRequest } from 'fastify';
import pino, { type Logger, type LoggerOptions } from 'pino';
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

/** Where the server logs: a stream, and whether it is a terminal (process.stdout's isTTY). */
export type LogOutput = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * Readable text for a person at a terminal in development; one JSON object per line for
 * everything else (piped to a collector, redirected to a file, NODE_ENV=production or test),
 * which is what log pipelines parse.
 */
export function logFormat(config: GatehouseConfig, output: LogOutput): 'pretty' | 'json' {
  return output.isTTY === true && config.environment === 'development' ? 'pretty' : 'json';
}

/**
 * The server's logger (same levels and redaction either way: pino redacts before anything
 * is formatted). pino-pretty is loaded only when used, and writes synchronously so that the
 * last lines before an exit are not lost.
 */
export async function createLogger(
  config: GatehouseConfig,
  output: LogOutput = process.stdout,
): Promise<Logger> {
  const options = loggerOptions(config);
  if (logFormat(config, output) === 'json')
    return output === process.stdout ? pino(options) : pino(options, output);
  const { default: pretty } = await import('pino-pretty');
  return pino(
    options,
    pretty({
      destination: output,
      sync: true,
      colorize: true,
      translateTime: 'SYS:HH:MM:ss',
      // A request is one line ("request completed GET /health 200 in 3 ms"), not a block.
      ignore: 'pid,hostname,reqId,req,res,responseTime',
      singleLine: true,
      messageFormat: (log, messageKey) => {
        const message = String(log[messageKey] ?? '');
        const req = log.req as { method?: string; url?: string } | undefined;
        const res = log.res as { statusCode?: number } | undefined;
        if (req) return `${message} ${req.method} ${req.url}`;
        if (res) return `${message} ${res.statusCode} in ${Math.round(Number(log.responseTime))} ms`;
        return message;
      },
    }),
  );
}

export function redactQuery(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  const names = [...params.keys()].map((name) => `${encodeURIComponent(name)}=[redacted]`);
  return `${url.slice(0, queryStart)}?${names.join('&')}`;
}
