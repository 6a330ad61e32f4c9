import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Authenticate } from './auth/authenticate';
import { type Caller, callerLabel } from './auth/caller';
import type { Config } from './config';
import { type Context, createContext } from './context';
import { pgPool } from './database/pool';
import { AppError, ErrorCode } from './errors';
import { apolloGateway } from './execution/compiled-execution';
import { serveBoard } from './http/board';
import { Readiness, sendHealth, sendReadiness } from './http/health';
import { Metrics } from './http/metrics';
import { PLAYGROUND_ASSETS, sendPlayground, sendPlaygroundAsset, wantsPlayground } from './http/playground';
import { BodyTooLargeError, readBody } from './http/read-body';
import { errorCodesOfBody, RequestTrace, requestTracePlugin } from './http/request-trace';
import { sendRequestError } from './http/send';
import { type WebSocketEndpoint, attachWebSocket } from './http/websocket';
import type { Logger } from './logger';
import { operationCheckPlugin } from './pipeline/apollo-plugins';
import { OperationPipeline } from './pipeline/operation-pipeline';
import type { Services } from './services';

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerOptions {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  config: Config;
  /** Turns an Authorization header (or a WebSocket init payload's) into the caller. */
  authenticate: Authenticate;
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
  readonly metrics: Metrics;
  private readonly readiness: Readiness;
  private stopping = false;
  private inFlight = 0;
  private readonly webSocket: WebSocketEndpoint;

  constructor(private readonly options: ServerOptions) {
    const pipeline = new OperationPipeline(options.schema, { logger: options.logger, hideSuggestions: options.config.production });
    this.apollo = new ApolloServer<Context>({
      gateway: apolloGateway(options.schema, pipeline.execution),
      formatError: pipeline.formatError,
      includeStacktraceInErrorResponses: false,
      introspection: true,
      // Apollo's defaults, stated because the limits rely on them: no batched arrays, CSRF prevention on.
      allowBatchedHttpRequests: false,
      csrfPrevention: true,
      // index.ts drains and exits 0 on SIGTERM; Apollo's own handler would stop early and re-raise the signal.
      stopOnTerminationSignals: false,
      // Apollo's landing page loads from the internet; the playground (http/playground.ts) does not.
      // No HTTP caching of GraphQL answers here: without cache control, Apollo does not wrap every field's resolver.
      plugins: [
        ApolloServerPluginLandingPageDisabled(),
        ApolloServerPluginCacheControlDisabled(),
        requestTracePlugin(),
        operationCheckPlugin(pipeline),
      ],
      validationRules: pipeline.validationRules,
      parseOptions: pipeline.parseOptions,
    });
    this.readiness = new Readiness(options.services.db, () => options.services.dataSource.isInitialized);
    this.metrics = new Metrics(
      () => pgPool(options.services.dataSource),
      () => options.services.feed.subscriberCount(),
    );
    this.http = http.createServer((req, res) => {
      const trace = new RequestTrace(req.headers);
      res.setHeader('x-request-id', trace.id);
      this.inFlight++;
      res.once('close', () => this.finished(req, res, trace));
      this.handle(req, res, trace).catch((err) => {
        options.logger.error({ err, reqId: trace.id }, 'request failed');
        trace.errorCodes = [ErrorCode.INTERNAL_SERVER_ERROR];
        if (!res.headersSent) sendRequestError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
        else res.destroy();
      });
    });
    this.webSocket = attachWebSocket(this.http, { ...options, pipeline, maxPayload: MAX_BODY_BYTES });
  }

  async start(): Promise<void> {
    await this.apollo.start();
  }

  /** One log line and the metrics of each request, once its response is sent (or abandoned). */
  private finished(req: IncomingMessage, res: ServerResponse, trace: RequestTrace): void {
    this.inFlight--;
    if (this.stopping && this.inFlight === 0) this.http.closeIdleConnections();
    const path = (req.url ?? '/').split('?')[0]!;
    if (trace.graphql) this.metrics.observe(trace, res.statusCode);
    const line = {
      reqId: trace.id,
      method: req.method,
      path,
      status: res.statusCode,
      operation: trace.operation ?? undefined,
      caller: trace.caller ?? undefined,
      durationMs: Math.round(trace.elapsedSeconds() * 10_000) / 10,
      errors: trace.errorCodes.length ? trace.errorCodes : undefined,
      aborted: res.writableFinished ? undefined : true,
    };
    if (trace.graphql) this.options.logger.info(line, 'request');
    else this.options.logger.debug(line, 'request');
  }

  private async handle(req: IncomingMessage, res: ServerResponse, trace: RequestTrace): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, code: string, message: string) => {
      trace.errorCodes = [code];
      sendRequestError(res, status, code, message);
    };
    if (this.stopping) {
      res.setHeader('connection', 'close');
      return refuse(503, ErrorCode.SERVICE_UNAVAILABLE, 'The server is stopping; try another instance');
    }
    if (url.pathname === '/healthz') return sendHealth(res);
    if (url.pathname === '/readyz') return sendReadiness(res, this.readiness, this.stopping);
    if (url.pathname === '/metrics' && req.method === 'GET') return this.metrics.send(res);
    if (url.pathname.startsWith(PLAYGROUND_ASSETS) && req.method === 'GET' && sendPlaygroundAsset(res, url.pathname)) return;
    if (serveBoard(req, res, url)) return;
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      return sendRequestError(res, 404, 'NOT_FOUND', `Nothing at ${url.pathname}; GraphQL is at /graphql`);
    }
    if (wantsPlayground(req, url)) return sendPlayground(res);
    trace.graphql = true;
    let caller: Caller;
    try {
      caller = this.options.authenticate(req.headers.authorization);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      res.setHeader('www-authenticate', 'Bearer realm="snapshot-registry"');
      return refuse(401, ErrorCode.UNAUTHENTICATED, err.message);
    }
    trace.caller = callerLabel(caller);
    let body: unknown = undefined;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, MAX_BODY_BYTES);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          return refuse(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
        }
        throw err;
      }
      if ((req.headers['content-type'] ?? '').includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return refuse(400, 'BAD_REQUEST', 'The request body is not valid JSON');
        }
      } else {
        body = text;
      }
    }
    const response = await this.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMap(req), search: url.search, body },
      context: async () => ({ ...createContext(this.options.services, undefined, caller), trace }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (this.stopping) res.setHeader('connection', 'close');
    if (response.body.kind === 'complete') {
      if (res.statusCode >= 400 && trace.errorCodes.length === 0) trace.errorCodes = errorCodesOfBody(response.body.string);
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  /**
   * Stops taking requests, lets those in flight finish for up to
   * `config.shutdownGraceMs`, then cuts what is left.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.webSocket.close();
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        this.options.logger.warn({ inFlight: this.inFlight }, 'requests still running at the end of the shutdown grace period; cutting them');
        this.http.closeAllConnections();
      }, this.options.config.shutdownGraceMs);
      this.http.close(() => {
        clearTimeout(cut);
        resolve();
      });
      this.http.closeIdleConnections();
    });
    await this.apollo.stop();
  }
}
