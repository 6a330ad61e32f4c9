import type { Db } from '../database/sql';
import type { ChangeFeed } from './change-feed';
import type { SnapshotChange } from './snapshot-change';

/** Reports a changed snapshot to the running transaction (once per snapshot, however often reported). */
export type Changed = (change: SnapshotChange) => void;

/**
 * Runs `work` in one transaction of `db`; the snapshots it reports through
 * `changed` are told to subscribers once, if and when the transaction commits.
 */
export async function changing<T>(db: Db, feed: ChangeFeed, work: (tx: Db, changed: Changed) => Promise<T>): Promise<T> {
  const changes: SnapshotChange[] = [];
  const seen = new Set<string>();
  const result = await db.transaction(async (tx) => {
    const value = await work(tx, (c) => {
      if (!seen.has(c.snapshotId)) {
        seen.add(c.snapshotId);
        changes.push(c);
      }
    });
    await feed.publish(tx, changes);
    return value;
  });
  feed.committed(changes);
  return result;
}
