import { Client } from 'pg';
import { listen } from '../database/listen';
import { type Db, sql } from '../database/sql';
import type { Logger } from '../logger';
import { AppError, ErrorCode } from '../errors';
import { DEFAULT_FEED_BOUNDS, type FeedBounds, LocalChangeFeed } from './change-feed';
import { type SnapshotChange, decodeChanges, encodePayloads } from './snapshot-change';

export const CHANNEL = 'snapshot_changed';
export const LISTEN_APPLICATION_NAME = 'snapshot-registry-listen';

/**
 * Delivery across server instances through PostgreSQL: NOTIFY inside the
 * changing transaction (PostgreSQL sends it only on commit), and one LISTEN
 * connection per instance that hands each notification to local subscribers.
 * A lost LISTEN connection is opened again by itself, with backoff.
 *
 * PostgreSQL keeps nothing for a LISTEN connection that is down, so losing it
 * ends every subscription of this instance with SERVICE_UNAVAILABLE (their
 * clients subscribe again and refetch), and new ones are refused until it is
 * back: no subscriber misses a change without being told.
 */
export class PostgresChangeFeed extends LocalChangeFeed {
  private client: Client | null = null;
  private stopped = false;
  private retryMs = 100;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Resolves when a LISTEN connection is up (tests wait on it after killing one). */
  listening: Promise<void> = new Promise(() => undefined);

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    bounds: FeedBounds = DEFAULT_FEED_BOUNDS,
  ) {
    super(bounds);
  }

  /** False while the LISTEN connection is down and being opened again. */
  get isListening(): boolean {
    return this.client !== null;
  }

  /** One statement, however many changes: one notification per payload (see encodePayloads). */
  override async publish(tx: Db, changes: readonly SnapshotChange[]): Promise<void> {
    if (changes.length) {
      await tx.exec(sql`SELECT pg_notify(${CHANNEL}, payload) FROM unnest(${encodePayloads(changes)}::text[]) AS payload`);
    }
  }

  override committed(): void {}

  protected override refuseNewSubscriber(): void {
    if (!this.isListening) {
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'This server instance is reconnecting to its database notifications; try again shortly');
    }
    super.refuseNewSubscriber();
  }

  override async start(): Promise<void> {
    this.listening = this.connect();
    await this.listening;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: LISTEN_APPLICATION_NAME });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      const { changes, malformed } = decodeChanges(msg.payload);
      if (malformed) this.logger.warn({ channel: CHANNEL, malformed, payload: msg.payload.slice(0, 200) }, 'malformed change notification left out');
      this.tell(changes);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    await listen(client, CHANNEL);
    this.client = client;
    this.retryMs = 100;
  }

  private lost(client: Client, err?: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    const ended = this.subscriberCount();
    this.endAll(
      new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        'This server instance lost its database notifications and may have missed changes; subscribe again and refetch',
      ),
    );
    this.logger.warn({ err: err?.message, endedSubscriptions: ended }, 'LISTEN connection lost; subscriptions ended; reconnecting');
    this.listening = new Promise((resolve) => this.reconnect(resolve));
  }

  private reconnect(done: () => void): void {
    this.retryTimer = setTimeout(() => {
      if (this.stopped) return;
      this.connect().then(
        () => {
          this.logger.info('LISTEN connection back');
          done();
        },
        (err: Error) => {
          this.logger.warn({ err: err.message, retryMs: this.retryMs }, 'LISTEN reconnect failed');
          this.retryMs = Math.min(this.retryMs * 2, 5_000);
          this.reconnect(done);
        },
      );
    }, this.retryMs);
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    await super.stop();
  }
}
