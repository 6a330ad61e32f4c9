import type { Sql } from './database/tables';
import { projectLoaders } from './projects/project.loaders';
import type { Services } from './services';
import { snapshotLoaders } from './snapshots/snapshot.loaders';

export type Loaders = ReturnType<typeof projectLoaders> & ReturnType<typeof snapshotLoaders>;

/** What every resolver of one request gets: the app's services and this request's loaders. */
export interface Context {
  services: Services;
  loaders: Loaders;
}

export function createContext(services: Services, sql: Sql = services.dataSource): Context {
  return {
    services,
    loaders: {
      ...projectLoaders(services.projectQueries, sql),
      ...snapshotLoaders(services.snapshotQueries, sql),
    },
  };
}
