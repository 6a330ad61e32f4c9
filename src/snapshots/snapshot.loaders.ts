import DataLoader from 'dataloader';
import { byIdLoader, groupByKey } from '../common/batch';
import type { Db } from '../database/sql';
import type { Tables } from '../database/tables';
import type { Plan } from '../projects/plan.entity';
import type { SnapshotImage } from './snapshot-image.entity';
import type { SnapshotState } from './snapshot-state';
import type { ProjectPageKey, SnapshotPageRow, SnapshotQueries } from './snapshot.queries';

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
  // Nested listings (`Project.snapshots` under a listing): every parent's page in one statement, and every count.
  const snapshotPageOfProject = new DataLoader<ProjectPageKey, SnapshotPageRow[], string>((keys) => queries.pagesOfProjects(db, keys), {
    cacheKeyFn: (k) => `${k.projectId}:${k.state}:${k.limit}:${k.after ? `${k.after.micros}:${k.after.id}` : ''}:${k.withImages}`,
  });
  const snapshotCountOfProject = new DataLoader<{ projectId: string; state: SnapshotState }, number, string>(
    async (keys) => {
      const counts = new Map<string, number>();
      for (const state of new Set(keys.map((k) => k.state))) {
        const ids = keys.filter((k) => k.state === state).map((k) => k.projectId);
        for (const [projectId, n] of await queries.countsOfProjects(db, ids, state)) counts.set(`${projectId}:${state}`, n);
      }
      return keys.map((k) => counts.get(`${k.projectId}:${k.state}`) ?? 0);
    },
    { cacheKeyFn: (k) => `${k.projectId}:${k.state}` },
  );
  return { snapshotById, imageById, imagesBySnapshot, snapshotPageOfProject, snapshotCountOfProject };
}
