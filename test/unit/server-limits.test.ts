import { ConfigError, loadConfig } from '../../src/config';
import { serverOptions } from '../../src/http/server-limits';

describe('HTTP connection limits', () => {
  it('default to 10 s for headers, 30 s for a request, 5 s idle keep-alive and 1000 connections', () => {
    const config = loadConfig({});
    expect({
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      maxConnections: config.maxConnections,
    }).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_000 });
  });

  it.each([
    [{ HTTP_HEADERS_TIMEOUT_MS: '0' }, 'HTTP_HEADERS_TIMEOUT_MS must be a whole number from 100 to 600000, got "0"'],
    [{ HTTP_MAX_CONNECTIONS: '0' }, 'HTTP_MAX_CONNECTIONS must be a whole number from 1 to 1000000, got "0"'],
    [{ HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' }, 'HTTP_KEEP_ALIVE_TIMEOUT_MS must be a whole number from 100 to 600000, got "soon"'],
    [{ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }, 'HTTP_REQUEST_TIMEOUT_MS (10000) must be at least HTTP_HEADERS_TIMEOUT_MS (20000)'],
  ])('%j is refused at start', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it.each([
    [10_000, 1000],
    [2_000, 200],
    [300, 30],
    [100, 10],
  ])('headers timeout %i ms: checked every %i ms', (headersTimeoutMs, interval) => {
    expect(serverOptions({ headersTimeoutMs, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, maxConnections: 10 })).toEqual({
      headersTimeout: headersTimeoutMs,
      requestTimeout: 60_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: interval,
    });
  });
});
