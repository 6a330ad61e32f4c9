import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { type Context, createContext } from './context';
import { ErrorCode, isClientError } from './errors';
import { BodyTooLargeError, readBody } from './http/read-body';
import { sendJson, sendRequestError } from './http/send';
import type { Logger } from './logger';
import type { Services } from './services';

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerOptions {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
}

/** Keeps what the client may see; logs and masks everything else. */
function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isClientError(formatted.extensions?.code)) return formatted;
    logger.error({ err: error, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** The HTTP server and the GraphQL engine behind it; call `start()` before listening. */
export class Server {
  readonly http: http.Server;
  readonly apollo: ApolloServer<Context>;

  constructor(private readonly options: ServerOptions) {
    this.apollo = new ApolloServer<Context>({
      schema: options.schema,
      formatError: formatError(options.logger),
      includeStacktraceInErrorResponses: false,
      introspection: true,
    });
    this.http = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        options.logger.error({ err }, 'request failed');
        if (!res.headersSent) sendRequestError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
        else res.destroy();
      });
    });
  }

  async start(): Promise<void> {
    await this.apollo.start();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      return sendRequestError(res, 404, 'NOT_FOUND', `Nothing at ${url.pathname}; GraphQL is at /graphql`);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, MAX_BODY_BYTES);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          return sendRequestError(res, 413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
        }
        throw err;
      }
      if ((req.headers['content-type'] ?? '').includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendRequestError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
        }
      } else {
        body = text;
      }
    }
    const response = await this.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMap(req), search: url.search, body },
      context: async () => createContext(this.options.services),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
    });
    await this.apollo.stop();
  }
}
