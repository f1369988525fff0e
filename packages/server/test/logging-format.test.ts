import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createConfig } from '@gatehouse/core';
import { createLogger, logFormat, type LogOutput } from '../src/logging.js';

/** A real stream that says it is (or is not) a terminal, keeping what is written. */
function output(isTTY: boolean): { stream: LogOutput; text: () => string } {
  let written = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      written += String(chunk);
      done();
    },
  });
  return { stream: Object.assign(stream, { isTTY }), text: () => written };
}

const development = createConfig({ environment: 'development' });

describe('log format', () => {
  it('is readable text only on a terminal in development', () => {
    expect(logFormat(development, output(true).stream)).toBe('pretty');
    expect(logFormat(development, output(false).stream)).toBe('json');
    expect(logFormat(createConfig({ environment: 'test' }), output(true).stream)).toBe('json');
    const production = createConfig({
      environment: 'production',
      secret: randomBytes(32).toString('base64'),
      mail: { transport: 'outbox' },
    });
    expect(logFormat(production, output(true).stream)).toBe('json');
  });

  it('a terminal gets one readable line per event, still redacted', async () => {
    const terminal = output(true);
    const logger = await createLogger(development, terminal.stream);
    logger.info({ body: { password: 'hunter2-hunter2' } }, 'Migrations applied in 12 ms');
    logger.info({ req: { method: 'GET', url: '/health?token=[redacted]' }, reqId: 'r1' }, 'incoming request');
    const lines = stripVTControlCharacters(terminal.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Migrations applied in 12 ms /);
    expect(lines[0]).toContain('[redacted]');
    expect(lines[1]).toMatch(/INFO: incoming request GET \/health\?token=\[redacted\]$/);
    expect(terminal.text()).not.toContain('hunter2');
    expect(() => JSON.parse(lines[0] ?? '')).toThrow();
  });

  it('anything else gets one JSON object per line', async () => {
    const pipe = output(false);
    const logger = await createLogger(development, pipe.stream);
    logger.info({ body: { password: 'hunter2-hunter2' } }, 'Migrations applied in 12 ms');
    const record = JSON.parse(pipe.text()) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 30,
      msg: 'Migrations applied in 12 ms',
      body: { password: '[redacted]' },
    });
  });
});
