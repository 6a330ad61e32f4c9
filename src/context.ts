import { ANONYMOUS, type Caller } from './auth/caller';
import type { Sql } from './database/tables';
import type { RequestTrace } from './http/request-trace';
import { projectLoaders } from './projects/project.loaders';
import type { Services } from './services';
import { snapshotLoaders } from './snapshots/snapshot.loaders';

export type Loaders = ReturnType<typeof projectLoaders> & ReturnType<typeof snapshotLoaders>;

/** What every resolver of one request gets: the app's services and this request's loaders. */
export interface Context {
  services: Services;
  loaders: Loaders;
  /** Who sent the request: its token's role, or anonymous. */
  caller: Caller;
  /** The HTTP request's trace, for its log line and metrics (none over WebSocket). */
  trace?: RequestTrace;
}

/** Loaders with empty caches: one set per request, and per event of a subscription. */
export function freshLoaders(services: Services, sql: Sql = services.dataSource): Loaders {
  return {
    ...projectLoaders(services.projectQueries, sql),
    ...snapshotLoaders(services.snapshotQueries, sql),
  };
}

export function createContext(services: Services, sql: Sql = services.dataSource, caller: Caller = ANONYMOUS): Context {
  return { services, loaders: freshLoaders(services, sql), caller };
}
