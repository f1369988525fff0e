import { describe, expect, it } from 'vitest';
import { isLoopback, parseServerUrl } from '../../src/remote/server-url.js';

describe('parseServerUrl', () => {
  it('keeps https URLs, with a path prefix and without a trailing slash', () => {
    expect(parseServerUrl('https://auth.example.com/')).toBe('https://auth.example.com');
    expect(parseServerUrl('https://example.com/gatehouse/')).toBe('https://example.com/gatehouse');
  });

  it('allows plain http to this machine only', () => {
    for (const url of [
      'http://localhost:3000',
      'http://127.0.0.1:3000',
      'http://127.1.2.3',
      'http://[::1]:3000',
    ]) {
      expect(parseServerUrl(url)).toBe(url);
    }
    for (const url of [
      'http://auth.example.com',
      'http://10.0.0.5:3000',
      'http://0.0.0.0:3000',
      'http://a.localhost',
    ]) {
      expect(() => parseServerUrl(url)).toThrow(
        /over plain http the password and the tokens would travel in clear/,
      );
      expect(parseServerUrl(url, { insecureHttp: true })).toBe(url);
    }
  });

  it('refuses what is not a server URL', () => {
    expect(() => parseServerUrl('auth.example.com')).toThrow(/not a URL/);
    expect(() => parseServerUrl('ftp://example.com')).toThrow(/expected an http/);
    expect(() => parseServerUrl('https://user:pw@example.com')).toThrow(
      /no user, password, query or fragment/,
    );
    expect(() => parseServerUrl('https://example.com/?x=1')).toThrow(/no user, password, query or fragment/);
  });

  it('knows loopback names', () => {
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('LOCALHOST')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isLoopback('127.example.com')).toBe(false);
  });
});
