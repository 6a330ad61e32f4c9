import DataLoader from 'dataloader';
import type { Db } from '../database/sql';
import type { SnapshotStatusChange } from '../snapshots/snapshot-status-change.entity';
import type { StatusHistory } from '../snapshots/status-history';
import { groupByKey } from '../common/batch';
import type { CurrentSnapshotChange } from './current-snapshot-change.entity';
import type { HistoryPageKey, PromotionQueries } from './promotion.queries';

/** Per-request loaders of the histories: a page of many projects' or snapshots' history is one statement. */
export function promotionLoaders(queries: PromotionQueries, statusHistory: StatusHistory, db: Db) {
  const currentHistoryPage = new DataLoader<HistoryPageKey, CurrentSnapshotChange[], string>(
    async (keys) => queries.pages(db, keys),
    { cacheKeyFn: (k) => `${k.projectId}:${k.before}:${k.limit}` },
  );
  const currentHistoryCount = new DataLoader<string, number>(async (projectIds) => {
    const counts = await queries.counts(db, projectIds);
    return projectIds.map((id) => counts.get(id) ?? 0);
  });
  const statusHistoryBySnapshot = new DataLoader<string, SnapshotStatusChange[]>(async (snapshotIds) =>
    groupByKey(snapshotIds, await statusHistory.ofSnapshots(db, snapshotIds), (c) => c.snapshotId),
  );
  return { currentHistoryPage, currentHistoryCount, statusHistoryBySnapshot };
}
