import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { UncheckedData } from './graphql';
import type { TestServer } from './test-server';

export interface Received {
  at: number;
  data?: UncheckedData;
  errors?: { message: string; extensions?: { code?: string } }[];
  /** Set when the server closed the connection instead. */
  closed?: { code: number; reason: string };
}

/** A graphql-ws client holding one subscription, collecting what it receives. */
export class Subscriber {
  readonly received: Received[] = [];
  private readonly client: Client;
  private waiters: (() => void)[] = [];
  private dispose: () => void = () => undefined;
  /** Resolves once the server has acknowledged the connection. */
  readonly connected: Promise<void>;

  constructor(httpUrl: string, query: string, variables: Record<string, unknown> = {}, connectionParams?: Record<string, unknown>) {
    let onConnected: () => void = () => undefined;
    this.connected = new Promise((resolve) => (onConnected = resolve));
    this.client = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: false,
      on: { connected: () => onConnected(), closed: () => onConnected() },
      // A refused connection reaches the subscription's error sink, recorded in `received` for the
      // tests to assert; the default would also print the whole CloseEvent.
      onNonLazyError: () => undefined,
    });
    this.dispose = this.client.subscribe(
      { query, variables },
      {
        next: (value) => this.push({ at: Date.now(), data: value.data, errors: value.errors as Received['errors'] }),
        error: (err) => {
          if (Array.isArray(err)) return this.push({ at: Date.now(), errors: err });
          const close = err as { code?: number; reason?: string };
          if (typeof close.code === 'number') return this.push({ at: Date.now(), closed: { code: close.code, reason: String(close.reason) } });
          this.push({ at: Date.now(), errors: [{ message: String((err as Error).message ?? err) }] });
        },
        complete: () => undefined,
      },
    );
  }

  private push(item: Received): void {
    this.received.push(item);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until `count` messages have arrived; fails after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} messages, got ${this.received.length}: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received.slice(0, count);
  }

  async close(): Promise<void> {
    this.dispose();
    await this.client.dispose();
  }
}

export const SNAPSHOT_CHANGED = `subscription($project: ID) {
  snapshotChanged(project: $project) { id status isCurrent project { slug } images { status } }
}`;

/** Subscribes (to snapshotChanged, unless `query` says otherwise) on `server` and waits until the server is serving the subscription. */
export async function subscribe(
  server: TestServer,
  variables: Record<string, unknown> = {},
  connectionParams?: Record<string, unknown>,
  query = SNAPSHOT_CHANGED,
): Promise<Subscriber> {
  const feed = server.app.services.feed;
  const before = feed.subscriberCount();
  const subscriber = new Subscriber(server.url, query, variables, connectionParams);
  await subscriber.connected;
  const deadline = Date.now() + 5_000;
  while (feed.subscriberCount() <= before) {
    if (subscriber.received.length) return subscriber; // refused: the error is in `received`
    if (Date.now() > deadline) throw new Error('the server did not start the subscription');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return subscriber;
}
