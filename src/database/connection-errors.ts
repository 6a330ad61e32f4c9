/**
 * Errors that mean "the database cannot be reached now", as opposed to a
 * query that failed: the server answers them with SERVICE_UNAVAILABLE, and
 * the pool replaces the lost connections by itself.
 */

/** SQLSTATEs of a lost or refused connection: class 08, and the shutdown codes of class 57. */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SYSTEM_CODES = new Set([
  ...['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'],
  // Out of a resource the connection needs (file descriptors, buffers, memory): passes when load falls.
  ...['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL', 'EAGAIN'],
]);
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /connect (ECONNREFUSED|EMFILE|ENFILE|EADDRNOTAVAIL)/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

function isConnectionErrorItself(err: object): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (code.startsWith('08') || CONNECTION_SQLSTATES.has(code) || SYSTEM_CODES.has(code))) return true;
  return typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message));
}

/** True when `err`, or an error it wraps (originalError, driverError, cause, errors), is a connection failure. */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  if (isConnectionErrorItself(err)) return true;
  const wrapper = err as { originalError?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  const inner = [wrapper.originalError, wrapper.driverError, wrapper.cause, ...(Array.isArray(wrapper.errors) ? (wrapper.errors as unknown[]) : [])];
  return inner.some((e) => e !== err && isConnectionError(e, depth + 1));
}
