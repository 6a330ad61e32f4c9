import type { Db } from '../database/sql';
import { AppError, ErrorCode } from '../errors';
import type { SnapshotChange } from './snapshot-change';

/** One subscription as the feed sees it: told each change, and told once if the feed ends it. */
export interface ChangeSubscriber {
  change(change: SnapshotChange): void;
  /** The feed can no longer promise this subscriber every change (it is already unsubscribed). */
  end(error: AppError): void;
}

/** How much one instance's subscriptions may hold. */
export interface FeedBounds {
  /** Subscriptions this instance serves at most (MAX_SUBSCRIPTIONS). */
  maxSubscriptions: number;
  /** Changed snapshots one subscriber may have waiting at most (MAX_SUBSCRIPTION_QUEUE); see ChangeQueue. */
  maxQueue: number;
}

export const DEFAULT_FEED_BOUNDS: FeedBounds = { maxSubscriptions: 10_000, maxQueue: 1_000 };

/**
 * Tells subscribers of committed snapshot changes. A service calls `publish`
 * inside the changing transaction and `committed` once it has committed; each
 * feed acts on the one that suits it, so only committed changes are told, once.
 */
export interface ChangeFeed {
  readonly bounds: FeedBounds;
  publish(tx: Db, changes: readonly SnapshotChange[]): Promise<void>;
  committed(changes: readonly SnapshotChange[]): void;
  /** Throws SERVICE_UNAVAILABLE when this instance serves its most subscriptions, or cannot hear changes now. */
  subscribe(subscriber: ChangeSubscriber): () => void;
  /** How many subscriptions this instance is serving. */
  subscriberCount(): number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Delivery inside this process, for the embedded database: one process owns
 * it, so every subscriber is here.
 */
export class LocalChangeFeed implements ChangeFeed {
  private readonly subscribers = new Set<ChangeSubscriber>();

  constructor(readonly bounds: FeedBounds = DEFAULT_FEED_BOUNDS) {}

  async publish(_tx: Db, _changes: readonly SnapshotChange[]): Promise<void> {}

  committed(changes: readonly SnapshotChange[]): void {
    this.tell(changes);
  }

  subscribe(subscriber: ChangeSubscriber): () => void {
    this.refuseNewSubscriber();
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    this.subscribers.clear();
  }

  /** Hands `changes` to every subscriber (a copy of the set: a subscriber may leave while told). */
  protected tell(changes: readonly SnapshotChange[]): void {
    const subscribers = [...this.subscribers];
    for (const change of changes) for (const subscriber of subscribers) subscriber.change(change);
  }

  /** Ends every subscription with `error`: they may have missed changes. */
  protected endAll(error: AppError): void {
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) subscriber.end(error);
  }

  /** Throws when a new subscription must be refused. */
  protected refuseNewSubscriber(): void {
    if (this.subscribers.size >= this.bounds.maxSubscriptions) {
      throw new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        `This server instance serves its most subscriptions (${this.bounds.maxSubscriptions}); try again later`,
      );
    }
  }
}
