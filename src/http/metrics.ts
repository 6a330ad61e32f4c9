import type { ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestTrace } from './request-trace';

/** The counts of a node-postgres Pool. */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Distinct operation labels kept; later names count as "other", so that clients cannot grow the metrics without bound. */
const MAX_OPERATIONS = 200;

/** Prometheus metrics of one server: GraphQL requests, durations, the database pool, the process. */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly durations: Histogram<'operation' | 'outcome'>;

  constructor(pool: () => PoolCounts | null, subscriptions: () => number) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL requests by operation name and outcome ("ok" or the first error code).',
      labelNames: ['operation', 'outcome'],
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'Time from request to response, by operation name and outcome.',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections: total open, idle, and requests waiting for one.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const counts = pool();
        if (!counts) return;
        this.set({ state: 'total' }, counts.totalCount);
        this.set({ state: 'idle' }, counts.idleCount);
        this.set({ state: 'waiting' }, counts.waitingCount);
      },
    });
    new Gauge({
      name: 'graphql_subscriptions',
      help: 'snapshotChanged subscriptions this instance is serving.',
      registers: [this.registry],
      collect() {
        this.set(subscriptions());
      },
    });
  }

  /** Counts one finished GraphQL request. */
  observe(trace: RequestTrace, status: number): void {
    const labels = { operation: this.operationLabel(trace.operation), outcome: trace.errorCodes[0] ?? (status < 400 ? 'ok' : `HTTP_${status}`) };
    this.requests.inc(labels);
    this.durations.observe(labels, trace.elapsedSeconds());
  }

  private operationLabel(name: string | null): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'invalid';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATIONS) return 'other';
    this.operations.add(name);
    return name;
  }

  async send(res: ServerResponse): Promise<void> {
    const text = await this.registry.metrics();
    res.writeHead(200, { 'content-type': this.registry.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
