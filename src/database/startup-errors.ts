import path from 'node:path';

/**
 * Why the database could not be opened at start, in one line that names the
 * setting to look at (DATABASE_URL or DATA_DIR), for a person to act on. The
 * password in DATABASE_URL is never part of it.
 */
export class DatabaseStartError extends Error {}

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

const fields = (err: unknown): ErrorFields => (typeof err === 'object' && err !== null ? (err as ErrorFields) : {});
const code = (err: unknown): string => {
  const c = fields(err).code;
  if (typeof c === 'string') return c;
  // Node reports a host with several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError.
  const inner = fields(err).errors;
  return Array.isArray(inner) && inner.length > 0 ? code(inner[0]) : '';
};
const message = (err: unknown): string => {
  const m = fields(err).message;
  return typeof m === 'string' && m !== '' ? m.split('\n')[0]! : String(err);
};

/** Where a DATABASE_URL points, without user or password: `host:port/database`. */
export function databaseAddress(url: string): { server: string; database: string } {
  try {
    const u = new URL(url);
    const socket = u.searchParams.get('host');
    const host = socket || (u.hostname ? decodeURIComponent(u.hostname) : 'localhost');
    const port = u.searchParams.get('port') || u.port || '5432';
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
    return { server: host.startsWith('/') ? `${host} (port ${port})` : `${host}:${port}`, database };
  } catch {
    return { server: 'the server', database: 'the database' };
  }
}

const SYSTEM_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is PostgreSQL running there, on that port?)',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'the host name could not be looked up (DNS did not answer)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'no answer (timed out)',
  ECONNRESET: 'the connection was reset',
  ENOENT: 'no such socket',
  EACCES: 'permission denied',
};

/** SQLSTATEs PostgreSQL answers a connection with, and what they mean for DATABASE_URL. */
function refusal(sqlstate: string, text: string, database: string): string | null {
  if (sqlstate === '3D000') return `database "${database}" does not exist`;
  if (sqlstate === '28P01') return text; // password authentication failed for user "…"
  if (sqlstate === '28000') return text; // role "…" does not exist; no pg_hba.conf entry
  if (sqlstate === '53300') return `${text} (the server has no free connection)`;
  if (sqlstate.startsWith('08') || sqlstate.startsWith('57P')) return text;
  return null;
}

/**
 * The error a connection to DATABASE_URL failed with, said in one line:
 * `DATABASE_URL: cannot connect to 127.0.0.1:5999: connection refused`. Null
 * when `err` is not a connection failure (a query or a migration failed).
 */
export function connectionFailure(err: unknown, url: string): DatabaseStartError | null {
  const { server, database } = databaseAddress(url);
  const c = code(err);
  const text = message(err);
  if (SYSTEM_REASONS[c]) return new DatabaseStartError(`DATABASE_URL: cannot connect to ${server}: ${SYSTEM_REASONS[c]}`);
  if (/timeout/i.test(text) && /connect/i.test(text)) {
    return new DatabaseStartError(`DATABASE_URL: cannot connect to ${server}: no answer within 5 s`);
  }
  if (/^Connection terminated/i.test(text)) {
    return new DatabaseStartError(`DATABASE_URL: cannot connect to ${server}: it closed the connection (is it a PostgreSQL server?)`);
  }
  if (/SASL|client password must be a string/.test(text)) {
    return new DatabaseStartError(`DATABASE_URL: ${server} asks for a password, and DATABASE_URL has none or the server does not take it (${text})`);
  }
  if (/SSL/i.test(text)) return new DatabaseStartError(`DATABASE_URL: cannot connect to ${server}: ${text}`);
  const reason = refusal(c, text, database);
  if (reason) return new DatabaseStartError(`DATABASE_URL: ${server} refused the connection: ${reason}`);
  return null;
}

/** Any error from connecting to DATABASE_URL and migrating it, as a DatabaseStartError. */
export function databaseUrlError(err: unknown, url: string): DatabaseStartError {
  const failure = connectionFailure(err, url);
  if (failure) return failure;
  const { server, database } = databaseAddress(url);
  return new DatabaseStartError(`DATABASE_URL: cannot prepare database "${database}" on ${server}: ${message(err)}`);
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'it is not a directory',
  ENOENT: 'no such file or directory',
  ELOOP: 'too many symbolic links',
};

/**
 * A file system error from preparing DATA_DIR, said in one line, e.g.
 * `DATA_DIR /data: cannot write there: read-only file system`; null for errors
 * that are not about the file system.
 */
export function dataDirFailure(err: unknown, dataDir: string): DatabaseStartError | null {
  const c = code(err);
  const reason = FS_REASONS[c];
  if (!reason) return null;
  const { path: where, syscall } = fields(err) as { path?: unknown; syscall?: unknown };
  if (c === 'ENOTDIR' && typeof where === 'string' && where !== dataDir && !where.startsWith(`${dataDir}/`)) {
    return new DatabaseStartError(`DATA_DIR ${dataDir}: ${where} is not a directory`);
  }
  if (c === 'EEXIST' || c === 'ENOTDIR') return new DatabaseStartError(`DATA_DIR ${dataDir}: ${reason}`);
  // A file of its own in DATA_DIR (server.pid) is DATA_DIR itself, for the reader; a parent it must create is not.
  const other = typeof where === 'string' && where !== dataDir && path.dirname(where) !== dataDir ? where : null;
  const what = syscall === 'mkdir' ? `cannot create ${other ?? 'it'}` : `cannot write there${other ? ` (${other})` : ''}`;
  const user = typeof process.geteuid === 'function' ? ` (the server runs as user ${process.geteuid()})` : '';
  return new DatabaseStartError(`DATA_DIR ${dataDir}: ${what}: ${reason}${c === 'EACCES' || c === 'EPERM' ? user : ''}`);
}
