import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { Authenticate } from '../auth/authenticate';
import { type Caller, callerLabel } from '../auth/caller';
import { type Context, createContext } from '../context';
import { AppError, ErrorCode } from '../errors';
import type { Services } from '../services';
import { readRequestBody } from './request-body';
import { errorCodesOfBody, type RequestTrace } from './request-trace';

/** The largest request body accepted, in bytes (WebSocket messages too). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Answers a request with an error of its own, before any GraphQL (recorded in the trace). */
export type Refuse = (status: number, code: string, message: string) => void;

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * One GraphQL request over HTTP: authenticates it (401 for a refused token),
 * reads its body, and hands it to Apollo Server, whose answer it sends.
 */
export async function serveGraphQL(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  trace: RequestTrace,
  refuse: Refuse,
  options: { apollo: ApolloServer<Context>; authenticate: Authenticate; services: Services; stopping: () => boolean },
): Promise<void> {
  trace.graphql = true;
  let caller: Caller;
  try {
    caller = options.authenticate(req.headers.authorization);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    res.setHeader('www-authenticate', 'Bearer realm="snapshot-registry"');
    return refuse(401, ErrorCode.UNAUTHENTICATED, err.message);
  }
  trace.caller = callerLabel(caller);
  let body: unknown = undefined;
  if (req.method === 'POST') {
    const read = await readRequestBody(req, MAX_BODY_BYTES);
    if ('refusal' in read) return refuse(read.refusal.status, read.refusal.code, read.refusal.message);
    body = read.body;
  }
  const response = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMap(req), search: url.search, body },
    context: async () => ({ ...createContext(options.services, undefined, caller), trace }),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (options.stopping()) res.setHeader('connection', 'close');
  if (response.body.kind === 'complete') {
    if (res.statusCode >= 400 && trace.errorCodes.length === 0) trace.errorCodes = errorCodesOfBody(response.body.string);
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
