import type { EntityRow } from '../database/entity-rows';
import { type Db, type SqlFragment, sql, trustedSql } from '../database/sql';
import type { Tables } from '../database/tables';
import { snapshotStatusCodes } from '../database/status-codes';
import { SnapshotStatus } from '../snapshots/snapshot-lifecycle';
import type { Snapshot } from '../snapshots/snapshot.entity';
import type { KeepFacts, RetentionPolicy } from './keep-reasons';
import { isLive } from './lease-rules';
import type { SnapshotLease } from './snapshot-lease.entity';

const ACTIVE = snapshotStatusCodes.encode(SnapshotStatus.ACTIVE);

/** A snapshot as the keep rule sees it, with its project's policy. */
export interface SnapshotKeep {
  snapshot: Snapshot;
  facts: KeepFacts;
  policy: RetentionPolicy;
  /** Its creation time in whole microseconds, to order snapshots as listings do. */
  micros: bigint;
}

/** A row of `leaseSelect`: the lease's columns and when they were read. */
export type LeaseRow = EntityRow & { readAt: Date };

interface KeepRow extends EntityRow {
  keepActive: number;
  keepDays: number;
  keepHistory: number;
  current: boolean;
  leased: boolean;
  newerActive: number;
  historyPosition: number | null;
  now: Date;
  micros: string;
}

/**
 * A live lease (not released, not past expiresAt), as a condition on the
 * lease table aliased `alias`: the rule of `isLive` (lease-rules.ts), for
 * statements that filter many leases.
 */
const liveLease = (alias: string): SqlFragment => trustedSql(`${alias}.released_at IS NULL AND ${alias}.expires_at > now()`);

/** Reads for leases and keep reasons, shared by loaders and services. */
export class RetentionQueries {
  constructor(private readonly t: Tables) {}

  private lease(row: LeaseRow): SnapshotLease {
    const lease = this.t.lease.hydrate(row);
    lease.live = isLive(lease, row.readAt);
    return lease;
  }

  /** The lease columns and the time they were read at (for `live`), of the lease table aliased `alias`. */
  leaseSelect(alias: string): SqlFragment {
    return sql`${this.t.lease.selectList(alias)}, now() AS "readAt"`;
  }

  leases(rows: LeaseRow[]): SnapshotLease[] {
    return rows.map((row) => this.lease(row));
  }

  async leasesById(db: Db, ids: readonly string[]): Promise<SnapshotLease[]> {
    return this.leases(
      await db.many<LeaseRow>(
        sql`SELECT ${this.leaseSelect('l')} FROM snapshot_lease l WHERE l.id = ANY(${[...ids]}::uuid[])`,
      ),
    );
  }

  /** The live leases of the given snapshots, oldest first. */
  async liveLeasesOfSnapshots(db: Db, snapshotIds: readonly string[]): Promise<SnapshotLease[]> {
    return this.leases(
      await db.many<LeaseRow>(sql`
        SELECT ${this.leaseSelect('l')} FROM snapshot_lease l
        WHERE l.snapshot_id = ANY(${[...snapshotIds]}::uuid[]) AND ${liveLease('l')}
        ORDER BY l.snapshot_id, l.date_created, l.id`),
    );
  }

  /**
   * The snapshots that `where` selects (on `snapshot s` joined to `project p`),
   * each with what the keep rule needs to know, all read at one moment. The
   * newer ACTIVE snapshots are counted only up to the policy's keepActive, and
   * only the project's last keepHistory current-snapshot changes are looked at
   * (all the rule asks is whether there are fewer, and whether one of those).
   */
  private async keepFacts(db: Db, where: SqlFragment): Promise<SnapshotKeep[]> {
    const rows = await db.many<KeepRow>(sql`
      SELECT ${this.t.snapshot.selectList('s')},
        (extract(epoch FROM s.date_created) * 1000000)::bigint::text AS micros,
        p.keep_active AS "keepActive", p.keep_days AS "keepDays", p.keep_history AS "keepHistory",
        p.current_snapshot_id IS NOT DISTINCT FROM s.id AS current,
        EXISTS (SELECT 1 FROM snapshot_lease l WHERE l.snapshot_id = s.id AND ${liveLease('l')}) AS leased,
        CASE WHEN s.status = ${ACTIVE} AND s.expired_at IS NULL THEN (
          SELECT count(*)::int FROM (
            SELECT 1 FROM snapshot n
            WHERE n.project_id = s.project_id AND n.expired_at IS NULL AND n.status = ${ACTIVE}
              AND (n.date_created, n.id) > (s.date_created, s.id)
            LIMIT p.keep_active) AS newer
        ) ELSE 0 END AS "newerActive",
        (SELECT min(h.position)::int FROM (
            SELECT c.to_snapshot_id, row_number() OVER (ORDER BY c.version DESC) - 1 AS position
            FROM current_snapshot_change c WHERE c.project_id = s.project_id
            ORDER BY c.version DESC LIMIT p.keep_history) AS h
          WHERE h.to_snapshot_id = s.id) AS "historyPosition",
        now() AS now
      FROM snapshot s JOIN project p ON p.id = s.project_id
      WHERE ${where}`);
    return rows.map((row) => {
      const snapshot = this.t.snapshot.hydrate(row);
      return {
        snapshot,
        micros: BigInt(row.micros),
        policy: { keepActive: row.keepActive, keepDays: row.keepDays, keepHistory: row.keepHistory },
        facts: {
          expiredAt: snapshot.expiredAt,
          current: row.current,
          leased: row.leased,
          active: snapshot.status === SnapshotStatus.ACTIVE,
          newerActive: row.newerActive,
          dateCreated: snapshot.dateCreated,
          historyPosition: row.historyPosition,
          now: row.now,
        },
      };
    });
  }

  /** The given snapshots, as the keep rule sees them now. */
  keepOfSnapshots(db: Db, snapshotIds: readonly string[]): Promise<SnapshotKeep[]> {
    return this.keepFacts(db, sql`s.id = ANY(${[...snapshotIds]}::uuid[])`);
  }

  /** Every snapshot of the given projects that has not expired, as the keep rule sees them now. */
  unexpiredOfProjects(db: Db, projectIds: readonly string[]): Promise<SnapshotKeep[]> {
    return this.keepFacts(db, sql`s.project_id = ANY(${[...projectIds]}::uuid[]) AND s.expired_at IS NULL`);
  }

  /** Every project's id, in id order (the order expiry takes them in). */
  async allProjectIds(db: Db): Promise<string[]> {
    return (await db.many<{ id: string }>(sql`SELECT p.id FROM project p ORDER BY p.id`)).map((r) => r.id);
  }
}
