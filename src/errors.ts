import { GraphQLError } from 'graphql';

/** The error codes a client can see in `extensions.code`. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A WebSocket connection already holds as many operations as it may. */
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error that is the client's to see: its message and code reach the response as they are. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const badInput = (message: string, argument?: string): AppError =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, argument ? { argument } : {});

export const notFound = (what: string, ref: string): AppError =>
  new AppError(ErrorCode.NOT_FOUND, `No ${what} matches "${ref}"`);

export const conflict = (message: string): AppError => new AppError(ErrorCode.CONFLICT, message);

export const invalidTransition = (message: string): AppError =>
  new AppError(ErrorCode.INVALID_TRANSITION, message);

/** Codes that graphql-js and Apollo Server attach to requests that never reached a resolver. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** True when an error may reach the client unchanged; anything else is masked. */
export function isClientError(code: unknown): boolean {
  return (
    typeof code === 'string' &&
    (REQUEST_CODES.has(code) || (code in ErrorCode && code !== ErrorCode.INTERNAL_SERVER_ERROR))
  );
}
