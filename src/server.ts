import http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Authenticate } from './auth/authenticate';
import type { Config } from './config';
import type { Context } from './context';
import { pgPool } from './database/pool';
import { ErrorCode } from './errors';
import { logRequest } from './http/access-log';
import { createApolloServer } from './http/apollo-server';
import { Draining } from './http/draining';
import { MAX_BODY_BYTES } from './http/graphql-endpoint';
import { Readiness } from './http/health';
import { Metrics } from './http/metrics';
import { RequestTrace } from './http/request-trace';
import { route } from './http/router';
import { sendRequestError } from './http/send';
import { applyServerLimits, serverOptions } from './http/server-limits';
import { type WebSocketEndpoint, attachWebSocket } from './http/websocket';
import type { Logger } from './logger';
import { OperationPipeline } from './pipeline/operation-pipeline';
import type { Services } from './services';

export interface ServerOptions {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  config: Config;
  /** Turns an Authorization header (or a WebSocket init payload's) into the caller. */
  authenticate: Authenticate;
}

/**
 * The HTTP server and what it is made of: one operation pipeline
 * (pipeline/operation-pipeline.ts) behind both Apollo Server (HTTP) and the
 * graphql-ws endpoint (WebSocket), the router (http/router.ts), the access
 * log and the draining on stop. Call `start()` before listening.
 */
export class Server {
  readonly http: http.Server;
  readonly apollo: ApolloServer<Context>;
  readonly metrics: Metrics;
  private readonly draining: Draining;
  private readonly webSocket: WebSocketEndpoint;

  constructor(private readonly options: ServerOptions) {
    const { services, logger } = options;
    const pipeline = new OperationPipeline(options.schema, { logger, hideSuggestions: options.config.production });
    this.apollo = createApolloServer(pipeline);
    const readiness = new Readiness(services.db, () => services.dataSource.isInitialized);
    this.metrics = new Metrics(
      () => pgPool(services.dataSource),
      () => services.feed.subscriberCount(),
    );
    const routes = {
      apollo: this.apollo,
      authenticate: options.authenticate,
      services,
      readiness,
      metrics: this.metrics,
      stopping: () => this.draining.stopping,
    };
    this.http = http.createServer(serverOptions(options.config), (req, res) => {
      const trace = new RequestTrace(req.headers);
      res.setHeader('x-request-id', trace.id);
      this.draining.started();
      res.once('close', () => {
        this.draining.finished();
        logRequest(logger, this.metrics, req, res, trace);
      });
      route(req, res, trace, routes).catch((err) => {
        logger.error({ err, reqId: trace.id }, 'request failed');
        trace.errorCodes = [ErrorCode.INTERNAL_SERVER_ERROR];
        if (!res.headersSent) sendRequestError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
        else res.destroy();
      });
    });
    this.draining = new Draining(this.http, logger);
    this.webSocket = attachWebSocket(this.http, { pipeline, services, logger, authenticate: options.authenticate, maxPayload: MAX_BODY_BYTES });
    applyServerLimits(this.http, options.config);
  }

  async start(): Promise<void> {
    await this.apollo.start();
  }

  /**
   * Stops taking requests, lets those in flight finish for up to
   * `config.shutdownGraceMs`, then cuts what is left.
   */
  async stop(): Promise<void> {
    this.draining.stopping = true;
    await this.webSocket.close();
    await this.draining.drain(this.options.config.shutdownGraceMs);
    await this.apollo.stop();
  }
}
