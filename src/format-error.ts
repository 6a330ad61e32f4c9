import type { GraphQLFormattedError } from 'graphql';
import { isConnectionError } from './database/connection-errors';
import { ErrorCode, isClientError } from './errors';
import type { Logger } from './logger';

/** `formatted` with its message and code replaced, and nothing else of the original kept. */
function replaced(formatted: GraphQLFormattedError, message: string, code: ErrorCode): GraphQLFormattedError {
  return { message, path: formatted.path, locations: formatted.locations, extensions: { code } };
}

/**
 * Keeps what the client may see; logs everything else and masks it as
 * INTERNAL_SERVER_ERROR, with no internals. Used for HTTP and WebSocket alike.
 */
export function errorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isClientError(formatted.extensions?.code)) return formatted;
    if (isConnectionError(error)) {
      // The database is gone for now: say so at once; the pool reconnects by itself.
      logger.warn({ err: error, path: formatted.path }, 'database unavailable');
      return replaced(formatted, 'The database is unavailable; try again shortly', ErrorCode.SERVICE_UNAVAILABLE);
    }
    logger.error({ err: error, path: formatted.path }, 'unexpected error');
    return replaced(formatted, 'Internal server error', ErrorCode.INTERNAL_SERVER_ERROR);
  };
}
