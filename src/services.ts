import type { DataSource } from 'typeorm';
import { Db } from './database/sql';
import { Tables } from './database/tables';
import type { ChangeFeed } from './events/change-feed';
import { ProjectQueries } from './projects/project.queries';
import { ProjectService } from './projects/project.service';
import { PromotionQueries } from './projects/promotion.queries';
import { PromotionService } from './projects/promotion.service';
import { ExpiryService } from './retention/expiry.service';
import { LeaseService } from './retention/lease.service';
import { RetentionQueries } from './retention/retention.queries';
import { SnapshotQueries } from './snapshots/snapshot.queries';
import { SnapshotService } from './snapshots/snapshot.service';
import { StatusHistory } from './snapshots/status-history';

/** The app's services, built once per data source. */
export class Services {
  /** Statements on the pool; services open their transactions from it. */
  readonly db: Db;
  readonly tables: Tables;
  readonly projectQueries: ProjectQueries;
  readonly snapshotQueries: SnapshotQueries;
  readonly projects: ProjectService;
  readonly snapshots: SnapshotService;
  readonly statusHistory: StatusHistory;
  readonly promotionQueries: PromotionQueries;
  /** Changes of projects' current snapshots. */
  readonly promotion: PromotionService;
  readonly retentionQueries: RetentionQueries;
  readonly leases: LeaseService;
  readonly expiry: ExpiryService;

  constructor(
    readonly dataSource: DataSource,
    readonly feed: ChangeFeed,
    /** Named prepared statements for the hot reads (`Db.of`): PostgreSQL servers only, not PGlite. */
    options: { prepare?: boolean } = {},
  ) {
    this.db = Db.of(dataSource, options);
    this.tables = new Tables(dataSource);
    this.projectQueries = new ProjectQueries(this.tables);
    this.snapshotQueries = new SnapshotQueries(this.tables);
    this.projects = new ProjectService(this.db, this.tables, this.projectQueries);
    this.statusHistory = new StatusHistory(this.tables);
    this.snapshots = new SnapshotService(this.db, this.tables, this.projectQueries, this.snapshotQueries, this.statusHistory, feed);
    this.promotionQueries = new PromotionQueries(this.tables, this.projectQueries);
    this.promotion = new PromotionService(this.db, this.promotionQueries, this.statusHistory, feed);
    this.retentionQueries = new RetentionQueries(this.tables);
    this.leases = new LeaseService(this.db, this.tables, this.retentionQueries, feed);
    this.expiry = new ExpiryService(this.db, this.tables, this.retentionQueries, feed);
  }
}
