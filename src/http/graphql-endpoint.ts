import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { Authenticate } from '../auth/authenticate';
import { type Caller, callerLabel } from '../auth/caller';
import { type Context, createContext } from '../context';
import { AppError, ErrorCode } from '../errors';
import type { Services } from '../services';
import { BodyTooLargeError, readBody } from './read-body';
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

/** The request body: parsed JSON when the content type says JSON, else text; undefined without one (GET). Refuses what cannot be read. */
async function graphqlBody(req: IncomingMessage, refuse: Refuse): Promise<{ body: unknown } | null> {
  if (req.method !== 'POST') return { body: undefined };
  let text: string;
  try {
    text = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      refuse(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
      return null;
    }
    throw err;
  }
  if (!(req.headers['content-type'] ?? '').includes('json')) return { body: text };
  try {
    return { body: JSON.parse(text) };
  } catch {
    refuse(400, 'BAD_REQUEST', 'The request body is not valid JSON');
    return null;
  }
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
  const read = await graphqlBody(req, refuse);
  if (!read) return;
  const response = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMap(req), search: url.search, body: read.body },
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
