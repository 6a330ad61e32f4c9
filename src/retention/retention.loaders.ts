import DataLoader from 'dataloader';
import { byIdLoader, byKey, groupByKey } from '../common/batch';
import type { Db } from '../database/sql';
import type { RetentionQueries, SnapshotKeep } from './retention.queries';
import type { SnapshotLease } from './snapshot-lease.entity';

/** Per-request loaders of leases and of what keeps each snapshot: one statement per batch. */
export function retentionLoaders(queries: RetentionQueries, db: Db) {
  const leaseById = byIdLoader((ids) => queries.leasesById(db, ids));
  const liveLeasesBySnapshot = new DataLoader<string, SnapshotLease[]>(async (snapshotIds) => {
    const leases = await queries.liveLeasesOfSnapshots(db, snapshotIds);
    for (const l of leases) leaseById.prime(l.id, l);
    return groupByKey(snapshotIds, leases, (l) => l.snapshotId);
  });
  const keepBySnapshot = new DataLoader<string, SnapshotKeep | null>(async (snapshotIds) =>
    byKey(snapshotIds, await queries.keepOfSnapshots(db, snapshotIds), (k) => k.snapshot.id),
  );
  return { leaseById, liveLeasesBySnapshot, keepBySnapshot };
}
