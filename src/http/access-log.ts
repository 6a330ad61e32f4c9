import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import type { RequestTrace } from './request-trace';

/** One log line and the metrics of each request, once its response is sent (or abandoned). */
export function logRequest(logger: Logger, metrics: Metrics, req: IncomingMessage, res: ServerResponse, trace: RequestTrace): void {
  const path = (req.url ?? '/').split('?')[0]!;
  if (trace.graphql) metrics.observe(trace, res.statusCode);
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
  if (trace.graphql) logger.info(line, 'request');
  else logger.debug(line, 'request');
}
