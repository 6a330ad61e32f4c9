import DataLoader from 'dataloader';
import { byKey, groupByKey } from '../common/batch';
import type { Sql } from '../database/tables';
import type { SnapshotImage } from './snapshot-image.entity';
import type { Snapshot } from './snapshot.entity';
import type { SnapshotQueries } from './snapshot.queries';

/** Per-request loaders of snapshots and their images. */
export function snapshotLoaders(queries: SnapshotQueries, sql: Sql) {
  const snapshotById = new DataLoader<string, Snapshot | null>(async (ids) =>
    byKey(ids, await queries.snapshotsById(sql, ids), (s) => s.id),
  );
  const imageById = new DataLoader<string, SnapshotImage | null>(async (ids) =>
    byKey(ids, await queries.imagesById(sql, ids), (i) => i.id),
  );
  const imagesBySnapshot = new DataLoader<string, SnapshotImage[]>(async (snapshotIds) => {
    const images = await queries.imagesOfSnapshots(sql, snapshotIds);
    for (const i of images) imageById.prime(i.id, i);
    return groupByKey(snapshotIds, images, (i) => i.snapshotId);
  });
  return { snapshotById, imageById, imagesBySnapshot };
}
