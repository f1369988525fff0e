import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { toStateStoreError } from '../../src/state/redis-client.js';

// Runs without Redis: the classification decides between "503, fail closed" and "a bug".
describe('Redis error classification', () => {
  const reply = (message: string) => new ReplyError(message) as Error;

  it.each([
    'CLUSTERDOWN The cluster is down',
    'LOADING Redis is loading the dataset in memory',
    'BUSY Redis is busy running a script',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    "READONLY You can't write against a read only replica.",
    "OOM command not allowed when used memory > 'maxmemory'.",
  ])('a reply of an unavailable server is unavailable: %s', (message) => {
    expect(toStateStoreError(reply(message))).toBeInstanceOf(BackendUnavailableError);
  });

  it.each([
    'WRONGTYPE Operation against a key holding the wrong kind of value',
    "CROSSSLOT Keys in request don't hash to the same slot",
    'ERR value is not an integer or out of range',
    'ERR user_script:3: Script attempted to access nonexistent global variable',
  ])('a logic or script error keeps its identity: %s', (message) => {
    const error = reply(message);
    expect(toStateStoreError(error)).toBe(error);
  });

  it.each([
    'Connection is closed.',
    'Command timed out',
    "Stream isn't writeable and enableOfflineQueue options is false",
  ])('a client-side failure is unavailable: %s', (message) => {
    const mapped = toStateStoreError(new Error(message));
    expect(mapped).toBeInstanceOf(BackendUnavailableError);
    expect((mapped as BackendUnavailableError).backend).toBe('stateStore');
  });
});
