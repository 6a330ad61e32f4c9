import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../errors';
import { serveBoard } from './board';
import { type Refuse, serveGraphQL } from './graphql-endpoint';
import { type Readiness, sendHealth, sendReadiness } from './health';
import type { Metrics } from './metrics';
import { PLAYGROUND_ASSETS, sendPlayground, sendPlaygroundAsset, wantsPlayground } from './playground';
import type { RequestTrace } from './request-trace';
import { sendRequestError } from './send';

type GraphQLOptions = Parameters<typeof serveGraphQL>[5];

/**
 * Which handler answers a request, by path: health and readiness, metrics,
 * the playground and its assets, the board, and GraphQL at /graphql (and /).
 * While the server is stopping, every request gets 503.
 */
export async function route(
  req: IncomingMessage,
  res: ServerResponse,
  trace: RequestTrace,
  options: GraphQLOptions & { readiness: Readiness; metrics: Metrics },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const refuse: Refuse = (status, code, message) => {
    trace.errorCodes = [code];
    sendRequestError(res, status, code, message);
  };
  const stopping = options.stopping();
  if (stopping) {
    res.setHeader('connection', 'close');
    return refuse(503, ErrorCode.SERVICE_UNAVAILABLE, 'The server is stopping; try another instance');
  }
  if (url.pathname === '/healthz') return sendHealth(res);
  if (url.pathname === '/readyz') return sendReadiness(res, options.readiness, stopping);
  if (url.pathname === '/metrics' && req.method === 'GET') return options.metrics.send(res);
  if (url.pathname.startsWith(PLAYGROUND_ASSETS) && req.method === 'GET' && sendPlaygroundAsset(res, url.pathname)) return;
  if (serveBoard(req, res, url)) return;
  if (url.pathname !== '/graphql' && url.pathname !== '/') {
    return sendRequestError(res, 404, 'NOT_FOUND', `Nothing at ${url.pathname}; GraphQL is at /graphql`);
  }
  if (wantsPlayground(req, url)) return sendPlayground(res);
  return serveGraphQL(req, res, url, trace, refuse, options);
}
