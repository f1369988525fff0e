import { describe, expect, it } from 'vitest';
import { PermanentJobError, isPermanentJobError } from '../../src/jobs/index.js';
import { describeFailure, MAX_ERROR_LENGTH, retryDelayMs } from '../../src/jobs/support.js';

describe('describeFailure', () => {
  it('keeps the message, named by its class unless it is a plain Error', () => {
    expect(describeFailure(new Error('smtp down'))).toBe('smtp down');
    expect(describeFailure(new TypeError('bad address'))).toBe('TypeError: bad address');
    expect(describeFailure(new PermanentJobError('no such mailbox'))).toBe(
      'PermanentJobError: no such mailbox',
    );
    expect(describeFailure('a string')).toBe('a string');
  });

  it('never includes a stack and cuts long messages', () => {
    const text = describeFailure(new Error('x'.repeat(5_000)));
    expect(text).toHaveLength(MAX_ERROR_LENGTH);
    expect(text.endsWith('…')).toBe(true);
    expect(describeFailure(new Error('short'))).not.toContain('\n');
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base: base × 2^(attempt-1)', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(20, attempt))).toEqual([20, 40, 80, 160]);
  });

  it('stays finite and bounded for extreme settings', () => {
    expect(retryDelayMs(3_600_000, 50)).toBe(7 * 24 * 3_600_000);
  });
});

describe('isPermanentJobError', () => {
  it('recognises the class and any error marked permanent', () => {
    expect(isPermanentJobError(new PermanentJobError('x'))).toBe(true);
    expect(isPermanentJobError(Object.assign(new Error('x'), { permanent: true }))).toBe(true);
    expect(isPermanentJobError(new Error('x'))).toBe(false);
    expect(isPermanentJobError(null)).toBe(false);
  });
});
