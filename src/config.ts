import path from 'node:path';
import { type ApiToken, generateToken, parseApiTokens } from './auth/api-tokens';
import { DEFAULT_FEED_BOUNDS } from './events/change-feed';

/** Everything the server reads from its environment, validated once at start. */
export interface Config {
  host: string;
  port: number;
  /** A PostgreSQL server; null means the embedded database under `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  logLevel: LogLevel;
  production: boolean;
  /** Connections per server instance. */
  poolSize: number;
  /** Longest a single SQL statement may run, in milliseconds. */
  statementTimeoutMs: number;
  /** Bearer tokens, their roles and names (API_TOKENS); one random admin token, named admin, when API_TOKENS is unset. */
  apiTokens: ApiToken[];
  /** The admin token made at start because API_TOKENS was unset (printed once); null otherwise. */
  generatedAdminToken: string | null;
  /** Whether clients without a token may read (ANONYMOUS_READ, default true). */
  anonymousRead: boolean;
  /** How long requests in flight may take to finish at shutdown, in milliseconds. */
  shutdownGraceMs: number;
  /** Seconds between expiry runs over every project (RETENTION_INTERVAL_S); 0: never. */
  retentionIntervalS: number;
  /** Subscriptions one instance serves at most (MAX_SUBSCRIPTIONS). */
  maxSubscriptions: number;
  /** Changed snapshots one subscription may have waiting before it is ended (MAX_SUBSCRIPTION_QUEUE). */
  maxSubscriptionQueue: number;
  /** How long a client may take to send a request's headers, from connecting (HTTP_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** How long a client may take to send a whole request, headers and body (HTTP_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after a response (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** Open connections at most, WebSocket ones included (HTTP_MAX_CONNECTIONS). */
  maxConnections: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function databaseUrl(env: Env): string | null {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL is not a URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, got ${url.protocol}//`);
  }
  return raw;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function apiTokens(env: Env): { apiTokens: ApiToken[]; generatedAdminToken: string | null } {
  const raw = env.API_TOKENS;
  if (raw === undefined || raw.trim() === '') {
    const token = generateToken();
    return { apiTokens: [{ role: 'admin', name: 'admin', token }], generatedAdminToken: token };
  }
  try {
    return { apiTokens: parseApiTokens(raw), generatedAdminToken: null };
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** Reads and validates the configuration; throws ConfigError with a message a person can act on. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const host = env.HOST || '127.0.0.1';
  const headersTimeoutMs = integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  const requestTimeoutMs = integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new ConfigError(`HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}) must be at least HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs})`);
  }
  return {
    host,
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl: databaseUrl(env),
    dataDir: path.resolve(env.DATA_DIR || './data'),
    logLevel,
    production: env.NODE_ENV === 'production',
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    statementTimeoutMs: integer(env, 'STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
    ...apiTokens(env),
    anonymousRead: boolean(env, 'ANONYMOUS_READ', true),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    retentionIntervalS: integer(env, 'RETENTION_INTERVAL_S', 3600, 0, 31_536_000),
    maxSubscriptions: integer(env, 'MAX_SUBSCRIPTIONS', DEFAULT_FEED_BOUNDS.maxSubscriptions, 1, 1_000_000),
    maxSubscriptionQueue: integer(env, 'MAX_SUBSCRIPTION_QUEUE', DEFAULT_FEED_BOUNDS.maxQueue, 1, 1_000_000),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: integer(env, 'HTTP_MAX_CONNECTIONS', 1_000, 1, 1_000_000),
  };
}
