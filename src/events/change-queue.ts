import type { ChangeFeed } from './change-feed';
import type { SnapshotChange } from './snapshot-change';

/**
 * The changes one subscriber has yet to receive, as an async iterator. A
 * snapshot already waiting in the queue is not queued again (it will be read
 * as it is when its turn comes), so a slow subscriber holds at most one entry
 * per snapshot. `return()` unsubscribes at once, even while `next()` waits.
 */
export class ChangeQueue implements AsyncIterableIterator<SnapshotChange> {
  private readonly queued: SnapshotChange[] = [];
  private waiting: ((result: IteratorResult<SnapshotChange>) => void) | null = null;
  private done = false;
  private readonly unsubscribe: () => void;

  constructor(feed: ChangeFeed, accept: (change: SnapshotChange) => boolean) {
    this.unsubscribe = feed.subscribe((change) => {
      if (this.done || !accept(change)) return;
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve({ value: change, done: false });
      } else if (!this.queued.some((c) => c.snapshotId === change.snapshotId)) {
        this.queued.push(change);
      }
    });
  }

  next(): Promise<IteratorResult<SnapshotChange>> {
    const change = this.queued.shift();
    if (change) return Promise.resolve({ value: change, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<SnapshotChange>> {
    if (!this.done) {
      this.done = true;
      this.unsubscribe();
      this.queued.length = 0;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
