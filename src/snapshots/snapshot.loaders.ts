import DataLoader from 'dataloader';
import { byIdLoader, groupByKey } from '../common/batch';
import type { Db } from '../database/sql';
import type { Tables } from '../database/tables';
import type { Plan } from '../projects/plan.entity';
import type { SnapshotImage } from './snapshot-image.entity';
import type { SnapshotQueries } from './snapshot.queries';

/** Per-request loaders of snapshots and their images; the plans read with images go into `planById`. */
export function snapshotLoaders(queries: SnapshotQueries, tables: Tables, db: Db, planById: DataLoader<string, Plan | null>) {
  const snapshotById = byIdLoader((ids) => tables.snapshot.byIds(db, ids));
  const imageById = byIdLoader((ids) => tables.image.byIds(db, ids));
  const imagesBySnapshot = new DataLoader<string, SnapshotImage[]>(async (snapshotIds) => {
    const images = await queries.imagesWithPlans(db, snapshotIds);
    for (const i of images) imageById.prime(i.id, i);
    for (const i of images) if (i.planWhenRead) planById.prime(i.planId, i.planWhenRead);
    return groupByKey(snapshotIds, images, (i) => i.snapshotId);
  });
  return { snapshotById, imageById, imagesBySnapshot };
}
