import type http from 'node:http';
import type { Config } from '../config';

export type ServerLimits = Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'>;

/**
 * The options of `http.createServer` that bound how long a connection may
 * hold a socket without finishing a request: one that sends nothing, or
 * headers too slowly, is answered 408 and closed after `headersTimeoutMs`; a
 * request (headers and body) must arrive within `requestTimeoutMs`; an idle
 * keep-alive connection is closed after `keepAliveTimeoutMs`. Node checks the
 * first two on an interval: a tenth of the headers timeout, at most a second.
 */
export function serverOptions(limits: ServerLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 10))),
  };
}

/**
 * Caps the open connections (WebSocket ones included): one beyond
 * `maxConnections` is closed as soon as it is accepted, so that a flood of
 * sockets runs into the cap instead of the process's file descriptor limit.
 */
export function applyServerLimits(server: http.Server, limits: ServerLimits): http.Server {
  server.maxConnections = limits.maxConnections;
  return server;
}
