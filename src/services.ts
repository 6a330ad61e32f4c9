import type { DataSource } from 'typeorm';
import { Tables } from './database/tables';
import type { ChangeFeed } from './events/change-feed';
import { ProjectQueries } from './projects/project.queries';
import { ProjectService } from './projects/project.service';
import { SnapshotQueries } from './snapshots/snapshot.queries';
import { SnapshotService } from './snapshots/snapshot.service';

/** The app's services, built once per data source. */
export class Services {
  readonly projectQueries: ProjectQueries;
  readonly snapshotQueries: SnapshotQueries;
  readonly projects: ProjectService;
  readonly snapshots: SnapshotService;

  constructor(
    readonly dataSource: DataSource,
    readonly feed: ChangeFeed,
  ) {
    const tables = new Tables(dataSource);
    this.projectQueries = new ProjectQueries(tables);
    this.snapshotQueries = new SnapshotQueries(tables);
    this.projects = new ProjectService(dataSource, tables, this.projectQueries);
    this.snapshots = new SnapshotService(dataSource, tables, this.projectQueries, this.snapshotQueries, feed);
  }
}
