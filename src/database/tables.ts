import type { DataSource } from 'typeorm';
import { CurrentSnapshotChange } from '../projects/current-snapshot-change.entity';
import { Plan } from '../projects/plan.entity';
import { Project } from '../projects/project.entity';
import { SnapshotLease } from '../retention/snapshot-lease.entity';
import { SnapshotImage } from '../snapshots/snapshot-image.entity';
import { SnapshotStatusChange } from '../snapshots/snapshot-status-change.entity';
import { Snapshot } from '../snapshots/snapshot.entity';
import { EntityRows } from './entity-rows';

/** The row readers of every table, built once per data source. */
export class Tables {
  readonly project: EntityRows<Project>;
  readonly plan: EntityRows<Plan>;
  readonly snapshot: EntityRows<Snapshot>;
  readonly image: EntityRows<SnapshotImage>;
  readonly currentChange: EntityRows<CurrentSnapshotChange>;
  readonly statusChange: EntityRows<SnapshotStatusChange>;
  readonly lease: EntityRows<SnapshotLease>;

  constructor(dataSource: DataSource) {
    this.project = new EntityRows(dataSource, Project);
    this.plan = new EntityRows(dataSource, Plan);
    this.snapshot = new EntityRows(dataSource, Snapshot);
    this.image = new EntityRows(dataSource, SnapshotImage);
    this.currentChange = new EntityRows(dataSource, CurrentSnapshotChange);
    this.statusChange = new EntityRows(dataSource, SnapshotStatusChange);
    this.lease = new EntityRows(dataSource, SnapshotLease);
  }
}
