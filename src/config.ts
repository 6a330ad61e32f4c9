import path from 'node:path';

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

/** Reads and validates the configuration; throws ConfigError with a message a person can act on. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const host = env.HOST || '127.0.0.1';
  return {
    host,
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl: databaseUrl(env),
    dataDir: path.resolve(env.DATA_DIR || './data'),
    logLevel,
    production: env.NODE_ENV === 'production',
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    statementTimeoutMs: integer(env, 'STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
  };
}
