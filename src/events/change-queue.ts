import { AppError, ErrorCode } from '../errors';
import { type ChangeFeed, type ChangeSubscriber, DEFAULT_FEED_BOUNDS } from './change-feed';
import type { SnapshotChange } from './snapshot-change';

type Waiter = { resolve: (result: IteratorResult<SnapshotChange>) => void; reject: (error: AppError) => void };

/**
 * The changes one subscriber has yet to receive, as an async iterator. A
 * snapshot already waiting in the queue is not queued again (it will be read
 * as it is when its turn comes), so a slow subscriber holds at most one entry
 * per snapshot, and at most `limit` entries: one more ends the subscription
 * (SERVICE_UNAVAILABLE; the client subscribes again and refetches) rather
 * than let it grow without bound. The feed may end it too (`end`).
 *
 * Once ended, `next()` rejects once with the reason and then reports done;
 * the queue has already left the feed by then, since `for await` does not
 * call `return()` after a rejection. `return()` unsubscribes at once, even
 * while `next()` waits.
 */
export class ChangeQueue implements AsyncIterableIterator<SnapshotChange>, ChangeSubscriber {
  private readonly queued: SnapshotChange[] = [];
  private readonly waiting = new Set<string>();
  private waiter: Waiter | null = null;
  private done = false;
  /** Why the feed or the bound ended the queue, until `next()` has told it. */
  private failure: AppError | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    feed: ChangeFeed,
    private readonly accept: (change: SnapshotChange) => boolean,
    private readonly limit = DEFAULT_FEED_BOUNDS.maxQueue,
  ) {
    this.unsubscribe = feed.subscribe(this);
  }

  change(change: SnapshotChange): void {
    if (this.done || !this.accept(change)) return;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve({ value: change, done: false });
    } else if (!this.waiting.has(change.snapshotId)) {
      if (this.queued.length >= this.limit) {
        this.close(
          new AppError(
            ErrorCode.SERVICE_UNAVAILABLE,
            `This subscription fell more than ${this.limit} changed snapshots behind and was ended; subscribe again and refetch`,
          ),
        );
        return;
      }
      this.queued.push(change);
      this.waiting.add(change.snapshotId);
    }
  }

  end(error: AppError): void {
    this.close(error);
  }

  next(): Promise<IteratorResult<SnapshotChange>> {
    const change = this.queued.shift();
    if (change) {
      this.waiting.delete(change.snapshotId);
      return Promise.resolve({ value: change, done: false });
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<SnapshotChange>> {
    this.close(null);
    this.failure = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Leaves the feed and drops what is queued; a waiting `next()` gets `failure`, or done. */
  private close(failure: AppError | null): void {
    if (this.done) return;
    this.done = true;
    this.unsubscribe();
    this.queued.length = 0;
    this.waiting.clear();
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter && failure) waiter.reject(failure);
    else if (waiter) waiter.resolve({ value: undefined, done: true });
    else this.failure = failure;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
