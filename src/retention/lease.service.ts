import { type Db, sql } from '../database/sql';
import type { Tables } from '../database/tables';
import { invalidTransition, notFound } from '../errors';
import type { ChangeFeed } from '../events/change-feed';
import { changing } from '../events/changing';
import type { Snapshot } from '../snapshots/snapshot.entity';
import { leaseRefusal, renewRefusal } from './lease-rules';
import type { LeaseRow, RetentionQueries } from './retention.queries';
import type { SnapshotLease } from './snapshot-lease.entity';

/**
 * Leases: each change one transaction. Taking or renewing a lease locks its
 * snapshot's row (FOR SHARE) before it checks that the snapshot has not
 * expired, and expiry locks the rows it expires (FOR NO KEY UPDATE) before it
 * reads their leases, so a lease that commits is never on an expired snapshot.
 * Locks are taken in the order project, snapshot, lease.
 */
export class LeaseService {
  constructor(
    private readonly db: Db,
    private readonly t: Tables,
    private readonly queries: RetentionQueries,
    private readonly feed: ChangeFeed,
  ) {}

  /** Leases an ACTIVE snapshot that has not expired. */
  async leaseSnapshot(snapshotId: string, holder: string, ttlSeconds: number): Promise<SnapshotLease> {
    return changing(this.db, this.feed, async (tx, changed) => {
      const snapshot = await this.lockSnapshot(tx, snapshotId);
      if (!snapshot) throw notFound('snapshot', snapshotId);
      const refusal = leaseRefusal(snapshot);
      if (refusal) throw invalidTransition(refusal);
      changed({ snapshotId: snapshot.id, projectId: snapshot.projectId });
      return this.insert(tx, snapshot.id, holder, ttlSeconds);
    });
  }

  /**
   * Leases the project's current snapshot, read in the same transaction with
   * the project row locked FOR SHARE, so that it stays current until the lease
   * is taken. Null when the project has no current snapshot.
   */
  async leaseCurrent(projectId: string, holder: string, ttlSeconds: number): Promise<SnapshotLease | null> {
    return changing(this.db, this.feed, async (tx, changed) => {
      const project = await tx.maybeOne<{ currentSnapshotId: string | null }>(
        sql`SELECT p.current_snapshot_id AS "currentSnapshotId" FROM project p WHERE p.id = ${projectId} FOR SHARE`,
      );
      if (!project) throw notFound('project', projectId);
      if (project.currentSnapshotId === null) return null;
      const snapshot = (await this.lockSnapshot(tx, project.currentSnapshotId))!;
      const refusal = leaseRefusal(snapshot);
      if (refusal) throw invalidTransition(`${refusal} (it is the current snapshot of project ${projectId})`);
      changed({ snapshotId: snapshot.id, projectId: snapshot.projectId });
      return this.insert(tx, snapshot.id, holder, ttlSeconds);
    });
  }

  /** Sets a live lease's expiresAt to now + ttl; a released or lapsed lease cannot be renewed. */
  async renew(leaseId: string, ttlSeconds: number): Promise<SnapshotLease> {
    return this.db.transaction(async (tx) => {
      const found = await tx.maybeOne<{ snapshotId: string }>(
        sql`SELECT l.snapshot_id AS "snapshotId" FROM snapshot_lease l WHERE l.id = ${leaseId}`,
      );
      if (!found) throw notFound('lease', leaseId);
      // The snapshot first (the lock order), so that expiry cannot take it while the lease is extended.
      await this.lockSnapshot(tx, found.snapshotId);
      const [lease] = this.queries.leases(
        await tx.many<LeaseRow>(
          sql`SELECT ${this.queries.leaseSelect('l')} FROM snapshot_lease l WHERE l.id = ${leaseId} FOR NO KEY UPDATE`,
        ),
      );
      if (!lease) throw notFound('lease', leaseId);
      const refusal = renewRefusal(lease);
      if (refusal) throw invalidTransition(refusal);
      const [renewed] = this.queries.leases(
        await tx.many<LeaseRow>(sql`
          UPDATE snapshot_lease l SET expires_at = now() + make_interval(secs => ${ttlSeconds})
          WHERE l.id = ${leaseId} RETURNING ${this.queries.leaseSelect('l')}`),
      );
      return renewed!;
    });
  }

  /** Releases a lease; a lease released already stays as it is. */
  async release(leaseId: string): Promise<SnapshotLease> {
    return changing(this.db, this.feed, async (tx, changed) => {
      const rows = await tx.many<LeaseRow & { projectId: string }>(sql`
        UPDATE snapshot_lease l SET released_at = now()
        FROM snapshot s
        WHERE l.id = ${leaseId} AND l.released_at IS NULL AND s.id = l.snapshot_id
        RETURNING ${this.queries.leaseSelect('l')}, s.project_id AS "projectId"`);
      if (rows.length) {
        changed({ snapshotId: rows[0]!.snapshotId as string, projectId: rows[0]!.projectId });
        return this.queries.leases(rows)[0]!;
      }
      const [lease] = await this.queries.leasesById(tx, [leaseId]);
      if (!lease) throw notFound('lease', leaseId);
      return lease;
    });
  }

  private lockSnapshot(tx: Db, snapshotId: string): Promise<Snapshot | null> {
    return this.t.snapshot.maybeOne(tx, sql`id = ${snapshotId}`, 'forShare');
  }

  private async insert(tx: Db, snapshotId: string, holder: string, ttlSeconds: number): Promise<SnapshotLease> {
    const rows = await tx.many<LeaseRow>(sql`
      INSERT INTO snapshot_lease AS l (snapshot_id, holder, date_created, expires_at)
      VALUES (${snapshotId}, ${holder}, now(), now() + make_interval(secs => ${ttlSeconds}))
      RETURNING ${this.queries.leaseSelect('l')}`);
    return this.queries.leases(rows)[0]!;
  }
}
