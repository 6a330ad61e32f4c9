import { ANONYMOUS, type Caller } from './auth/caller';
import type { Db } from './database/sql';
import type { RequestTrace } from './http/request-trace';
import { Plan } from './projects/plan.entity';
import { projectLoaders } from './projects/project.loaders';
import { promotionLoaders } from './projects/promotion.loaders';
import { Project } from './projects/project.entity';
import { retentionLoaders } from './retention/retention.loaders';
import { SnapshotLease } from './retention/snapshot-lease.entity';
import type { Services } from './services';
import { SnapshotImage } from './snapshots/snapshot-image.entity';
import { snapshotLoaders } from './snapshots/snapshot.loaders';
import { Snapshot } from './snapshots/snapshot.entity';

export type Loaders = ReturnType<typeof projectLoaders> & ReturnType<typeof snapshotLoaders> & ReturnType<typeof promotionLoaders> & ReturnType<typeof retentionLoaders>;

/** What every resolver of one request gets: the app's services and this request's loaders. */
export interface Context {
  services: Services;
  loaders: Loaders;
  /** Who sent the request: its token's role and name, or anonymous. */
  caller: Caller;
  /** The HTTP request's trace, for its log line and metrics (none over WebSocket). */
  trace?: RequestTrace;
}

/** Loaders with empty caches: one set per request, and per event of a subscription. */
export function freshLoaders(services: Services, db: Db = services.db): Loaders {
  const projects = projectLoaders(services.projectQueries, services.tables, db);
  return {
    ...projects,
    ...snapshotLoaders(services.snapshotQueries, services.tables, db, projects.planById),
    ...promotionLoaders(services.promotionQueries, services.statusHistory, db),
    ...retentionLoaders(services.retentionQueries, db),
  };
}

export function createContext(services: Services, db: Db = services.db, caller: Caller = ANONYMOUS): Context {
  return { services, loaders: freshLoaders(services, db), caller };
}

/** A row a service changed, as the service returns it. */
export type ChangedRow = Project | Plan | Snapshot | SnapshotImage | SnapshotLease;

/**
 * Makes the request's loaders see the rows a service changed, as they are now:
 * each row replaces what its loader by id held, and lists it belongs to are
 * read again when next asked for. Resolvers call it after every change.
 */
export function primeLoaders(loaders: Loaders, ...changed: (ChangedRow | null)[]): void {
  for (const row of changed) {
    if (row instanceof Project) {
      loaders.projectById.clear(row.id).prime(row.id, row);
      loaders.currentHistoryPage.clearAll();
      loaders.currentHistoryCount.clear(row.id);
      // Its current snapshot or its policy may have changed: what keeps its snapshots.
      loaders.keepBySnapshot.clearAll();
      // Its listing's pages say which snapshot is current.
      loaders.snapshotPageOfProject.clearAll();
    } else if (row instanceof Plan) {
      loaders.planById.clear(row.id).prime(row.id, row);
      loaders.plansByProject.clear(row.projectId);
    } else if (row instanceof Snapshot) {
      loaders.snapshotById.clear(row.id).prime(row.id, row);
      loaders.statusHistoryBySnapshot.clear(row.id);
      loaders.keepBySnapshot.clearAll();
      loaders.snapshotPageOfProject.clearAll();
      loaders.snapshotCountOfProject.clearAll();
    } else if (row instanceof SnapshotImage) {
      loaders.imageById.clear(row.id).prime(row.id, row);
      loaders.imagesBySnapshot.clear(row.snapshotId);
      loaders.snapshotPageOfProject.clearAll();
    } else if (row instanceof SnapshotLease) {
      loaders.leaseById.clear(row.id).prime(row.id, row);
      loaders.liveLeasesBySnapshot.clear(row.snapshotId);
      loaders.keepBySnapshot.clear(row.snapshotId);
    }
  }
}
