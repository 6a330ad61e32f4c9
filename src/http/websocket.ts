import type http from 'node:http';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type Authenticate, authorizationFromPayload } from '../auth/authenticate';
import { ANONYMOUS, type Caller, callerLabel } from '../auth/caller';
import { createContext } from '../context';
import { ErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { OperationPipeline } from '../pipeline/operation-pipeline';
import type { Services } from '../services';

export interface WebSocketEndpoint {
  close(): Promise<void>;
}

/** graphql-ws closes a connection with this code when its token is refused. */
const CLOSE_UNAUTHORIZED = 4401;

/** Operations (subscriptions, and queries or mutations still running) one connection may hold at once. */
export const MAX_OPERATIONS_PER_CONNECTION = 100;

/**
 * The graphql-ws protocol at /graphql, on the HTTP server's port. The
 * connection_init payload carries the token (`{ "Authorization": "Bearer
 * <token>" }`), checked as for HTTP requests. Every operation, subscription
 * or not, goes through the same pipeline as over HTTP (`pipeline.prepare`:
 * parse, validate, authorize, node budget; then its `execute`, and its error
 * formatting). Messages are bounded as HTTP bodies are (`maxPayload`): a
 * larger one closes the connection with 1009.
 */
export function attachWebSocket(
  server: http.Server,
  options: {
    pipeline: OperationPipeline;
    services: Services;
    logger: Logger;
    authenticate: Authenticate;
    /** The largest message read, in bytes. */
    maxPayload: number;
  },
): WebSocketEndpoint {
  const { pipeline, logger } = options;
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: options.maxPayload });
  const callers = new WeakMap<object, Caller>();
  /** Operations each connection has running (subscriptions, and queries or mutations not yet answered). */
  const running = new WeakMap<object, number>();
  /** Logs a refused or failed operation as an HTTP request's line would list its codes, then formats its errors. */
  const answer = (caller: Caller, operation: string | null | undefined, errors: readonly GraphQLError[]) => {
    const formatted = pipeline.formatErrors(errors);
    const codes = formatted.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
    logger.info({ transport: 'websocket', operation: operation ?? undefined, caller: callerLabel(caller), errors: codes }, 'websocket operation');
    return formatted;
  };
  const disposable = useServer(
    {
      schema: pipeline.schema,
      execute: pipeline.execute,
      onConnect: (ctx) => {
        try {
          callers.set(ctx.extra.socket, options.authenticate(authorizationFromPayload(ctx.connectionParams)));
          return true;
        } catch (err) {
          ctx.extra.socket.close(CLOSE_UNAUTHORIZED, (err as Error).message.slice(0, 120));
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const caller = callers.get(ctx.extra.socket) ?? ANONYMOUS;
        logger.debug({ transport: 'websocket', operation: payload.operationName ?? null, caller: callerLabel(caller) }, 'subscribe');
        // Counted from here until graphql-ws completes the operation, not by ctx.subscriptions:
        // a client's `complete` takes a query or mutation out of that list while it still runs.
        const held = running.get(ctx) ?? 0;
        if (held >= MAX_OPERATIONS_PER_CONNECTION) {
          return [
            new GraphQLError(`One connection may hold ${MAX_OPERATIONS_PER_CONNECTION} operations at once; close some, or open another connection`, {
              extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS, limit: MAX_OPERATIONS_PER_CONNECTION },
            }),
          ];
        }
        const prepared = pipeline.prepare(payload, caller, createContext(options.services, undefined, caller));
        if (!Array.isArray(prepared)) running.set(ctx, held + 1);
        return prepared;
      },
      // Called once for every operation onSubscribe let through, when it has ended, however it ended.
      onComplete: (ctx) => void running.set(ctx, (running.get(ctx) ?? 1) - 1),
      onNext: (ctx, _id, payload, _args, result) =>
        result.errors ? { ...result, errors: answer(callers.get(ctx.extra.socket) ?? ANONYMOUS, payload.operationName, result.errors) } : undefined,
      onError: (ctx, _id, payload, errors) => answer(callers.get(ctx.extra.socket) ?? ANONYMOUS, payload.operationName, errors),
    },
    wss,
  );
  // A client's protocol error (a message over maxPayload, a bad frame): ws has closed the
  // connection with the right code already (1009, 1002). graphql-ws would print it to the
  // console as its own internal error; it is the client's, so it goes to the log instead.
  wss.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (err: Error & { code?: string }) => {
      logger.info({ transport: 'websocket', err: err.message, code: err.code }, 'websocket connection closed on a protocol error');
      if (socket.readyState === socket.OPEN) socket.close(1011, 'Internal server error');
    });
  });
  return {
    async close() {
      for (const client of wss.clients) client.close(1001, 'Server stopping');
      await disposable.dispose();
    },
  };
}
