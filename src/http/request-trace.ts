import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';

const CLIENT_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** What one HTTP request did, gathered for its log line and its metrics. */
export class RequestTrace {
  readonly id: string;
  readonly started = process.hrtime.bigint();
  /** The GraphQL operation's name, when it had one. */
  operation: string | null = null;
  /** The `extensions.code` of every error the response carried. */
  errorCodes: string[] = [];
  /** The caller's role, or "anonymous"; never its token. */
  caller: string | null = null;
  /** True once the request is handled as a GraphQL request (not the playground page, health or metrics). */
  graphql = false;

  constructor(headers: IncomingHttpHeaders) {
    const given = headers['x-request-id'];
    this.id = typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
  }

  elapsedSeconds(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e9;
  }
}

/** Fills the request's trace (found in the context as `trace`) with its operation name and error codes. */
export function requestTracePlugin(): ApolloServerPlugin<{ trace?: RequestTrace }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, request, operationName, response }) {
          const trace = contextValue?.trace;
          if (!trace) return;
          trace.operation = operationName ?? request.operationName ?? null;
          if (response.body.kind === 'single') {
            trace.errorCodes = (response.body.singleResult.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
          }
        },
      };
    },
  };
}

/**
 * Error codes of a response that Apollo made before any context existed (a
 * batched array, a CSRF refusal...), read from its body.
 */
export function errorCodesOfBody(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return (parsed.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
  } catch {
    return [];
  }
}
