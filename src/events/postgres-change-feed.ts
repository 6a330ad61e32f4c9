import { Client } from 'pg';
import { listen } from '../database/listen';
import { type Db, sql } from '../database/sql';
import type { Logger } from '../logger';
import { LocalChangeFeed } from './change-feed';
import { type SnapshotChange, decodeChanges, encodePayloads } from './snapshot-change';

export const CHANNEL = 'snapshot_changed';
export const LISTEN_APPLICATION_NAME = 'snapshot-registry-listen';

/**
 * Delivery across server instances through PostgreSQL: NOTIFY inside the
 * changing transaction (PostgreSQL sends it only on commit), and one LISTEN
 * connection per instance that hands each notification to local subscribers.
 * A lost LISTEN connection is opened again by itself, with backoff.
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
  ) {
    super();
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

  override async start(): Promise<void> {
    this.listening = this.connect();
    await this.listening;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: LISTEN_APPLICATION_NAME });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      for (const change of decodeChanges(msg.payload)) this.emitter.emit('change', change);
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
    this.logger.warn({ err: err?.message }, 'LISTEN connection lost; reconnecting');
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
        (err) => {
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
