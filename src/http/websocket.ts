import type http from 'node:http';
import type { ExecutionArgs, ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type Authenticate, authorizationFromPayload } from '../auth/authenticate';
import { ANONYMOUS, type Caller, callerLabel } from '../auth/caller';
import { createContext } from '../context';
import { errorFormatter } from '../format-error';
import type { Logger } from '../logger';
import type { Services } from '../services';

export interface WebSocketEndpoint {
  close(): Promise<void>;
}

/** graphql-ws closes a connection with this code when its token is refused. */
const CLOSE_UNAUTHORIZED = 4401;

/**
 * Subscriptions over the graphql-ws protocol at /graphql, on the HTTP
 * server's port. The connection_init payload carries the token
 * (`{ "Authorization": "Bearer <token>" }`), checked as for HTTP requests.
 */
export function attachWebSocket(
  server: http.Server,
  options: {
    schema: GraphQLSchema;
    services: Services;
    logger: Logger;
    authenticate: Authenticate;
    /** Runs queries and mutations (subscriptions run on graphql-js's `subscribe`). */
    execute: (args: ExecutionArgs) => ExecutionResult | Promise<ExecutionResult>;
  },
): WebSocketEndpoint {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const format = errorFormatter(options.logger);
  const callers = new WeakMap<object, Caller>();
  const refused = (operation: string | null | undefined, errors: readonly GraphQLError[]) => {
    const codes = errors.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    options.logger.info({ transport: 'websocket', operation: operation ?? null, codes }, 'subscription error');
    return errors.map((e) => format(e.toJSON(), e));
  };
  const disposable = useServer(
    {
      schema: options.schema,
      execute: options.execute,
      onConnect: (ctx) => {
        try {
          callers.set(ctx.extra.socket, options.authenticate(authorizationFromPayload(ctx.connectionParams)));
          return true;
        } catch (err) {
          ctx.extra.socket.close(CLOSE_UNAUTHORIZED, (err as Error).message.slice(0, 120));
          return false;
        }
      },
      context: (ctx) => createContext(options.services, undefined, callers.get(ctx.extra.socket) ?? ANONYMOUS),
      onSubscribe: (ctx, _id, payload) => {
        const caller = callers.get(ctx.extra.socket) ?? ANONYMOUS;
        options.logger.debug({ transport: 'websocket', operation: payload.operationName ?? null, caller: callerLabel(caller) }, 'subscribe');
      },
      onNext: (_ctx, _id, payload, _args, result) =>
        result.errors ? { ...result, errors: refused(payload.operationName, result.errors) } : undefined,
      onError: (_ctx, _id, payload, errors) => refused(payload.operationName, errors),
    },
    wss,
  );
  return {
    async close() {
      for (const client of wss.clients) client.close(1001, 'Server stopping');
      await disposable.dispose();
    },
  };
}
