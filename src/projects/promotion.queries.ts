import type { EntityRow } from '../database/entity-rows';
import { type Db, type RowLock, sql } from '../database/sql';
import { currentChangeKindCodes, snapshotStatusCodes } from '../database/status-codes';
import type { Tables } from '../database/tables';
import { SnapshotStatus } from '../snapshots/snapshot-lifecycle';
import type { Snapshot } from '../snapshots/snapshot.entity';
import type { CurrentChangeKind } from './current-change-kind';
import type { CurrentSnapshotChange } from './current-snapshot-change.entity';
import type { Project } from './project.entity';
import { type ProjectQueries, matchProject } from './project.queries';
import type { Move } from './rollback-target';

/** A page of one project's current-snapshot history: versions below `before`, newest first. */
export interface HistoryPageKey {
  projectId: string;
  /** Versions below this one; FIRST_PAGE for the first page. */
  before: number;
  limit: number;
}

/** `before` of a first page: above every version (the largest int). */
export const FIRST_PAGE = 2147483647;

/** A change of the current snapshot, as it is recorded. */
export interface NewCurrentChange {
  kind: CurrentChangeKind;
  to: string | null;
  actor: string;
  reason: string | null;
}

/** The statements of promotion: projects locked for a move, the history read and written. */
export class PromotionQueries {
  constructor(
    private readonly t: Tables,
    private readonly projects: ProjectQueries,
  ) {}

  /** The project a reference (id, else slug) names, locked FOR UPDATE; null when none. */
  async lockProject(tx: Db, ref: string): Promise<Project | null> {
    return matchProject(await this.projects.projectsByRef(tx, [ref], 'forUpdate'), ref);
  }

  async lockProjectById(tx: Db, id: string): Promise<Project | null> {
    return this.t.project.maybeOne(tx, sql`id = ${id}`, 'forUpdate');
  }

  snapshot(tx: Db, id: string, lock: RowLock = 'none'): Promise<Snapshot | null> {
    return this.t.snapshot.maybeOne(tx, sql`id = ${id}`, lock);
  }

  async setStatus(tx: Db, snapshotId: string, status: SnapshotStatus): Promise<void> {
    await tx.exec(sql`UPDATE snapshot SET status = ${snapshotStatusCodes.encode(status)} WHERE id = ${snapshotId}`);
  }

  /** Which of the given snapshots of the project a rollback may go to now: the ACTIVE ones that have not expired. */
  async usable(tx: Db, projectId: string, ids: readonly string[]): Promise<Set<string>> {
    const rows = await tx.many(sql<{ id: string }>`
      SELECT s.id FROM snapshot s
      WHERE s.id = ANY(${ids}::uuid[]) AND s.project_id = ${projectId}
        AND s.status = ${snapshotStatusCodes.encode(SnapshotStatus.ACTIVE)} AND s.expired_at IS NULL`);
    return new Set(rows.map((r) => r.id));
  }

  /** Every change of the project's current snapshot, oldest first, as moves. */
  async moves(tx: Db, projectId: string): Promise<Move[]> {
    const rows = await tx.many(sql<{ kind: number; from: string | null; to: string | null }>`
      SELECT c.kind, c.from_snapshot_id AS "from", c.to_snapshot_id AS "to"
      FROM current_snapshot_change c WHERE c.project_id = ${projectId} ORDER BY c.version`);
    return rows.map((r) => ({ kind: currentChangeKindCodes.decode(r.kind), from: r.from, to: r.to }));
  }

  /**
   * Moves the locked project's current snapshot and records the change with
   * the next version, in one statement; the project as it is after.
   */
  async move(tx: Db, project: Project, change: NewCurrentChange): Promise<Project> {
    const row = await tx.one(sql<EntityRow>`
      WITH moved AS (
        UPDATE project SET current_snapshot_id = ${change.to}, current_version = current_version + 1
        WHERE id = ${project.id} RETURNING *
      ), recorded AS (
        INSERT INTO current_snapshot_change (project_id, version, kind, from_snapshot_id, to_snapshot_id, actor, reason, at)
        SELECT moved.id, moved.current_version, ${currentChangeKindCodes.encode(change.kind)}::smallint,
               ${project.currentSnapshotId}::uuid, moved.current_snapshot_id, ${change.actor}::text, ${change.reason}::text,
               clock_timestamp()
        FROM moved
      )
      SELECT ${this.t.project.selectList('moved')} FROM moved`);
    return this.t.project.hydrate(row);
  }

  /**
   * Pages of several projects' histories in one statement, in the order of
   * `keys`; each change with `downgrade` (its `to` created before its `from`).
   */
  async pages(db: Db, keys: readonly HistoryPageKey[]): Promise<CurrentSnapshotChange[][]> {
    const rows = await db.many(sql<EntityRow & { n: string; downgrade: boolean }>`
      SELECT k.n::text AS n, ${this.t.currentChange.selectList('c')},
        coalesce((SELECT t.date_created < f.date_created FROM snapshot f JOIN snapshot t ON t.id = c.to_snapshot_id
                  WHERE f.id = c.from_snapshot_id), false) AS downgrade
      FROM unnest(${keys.map((k) => k.projectId)}::uuid[], ${keys.map((k) => k.before)}::int[],
                  ${keys.map((k) => k.limit)}::int[]) WITH ORDINALITY AS k (project_id, before, lim, n)
      CROSS JOIN LATERAL (
        SELECT * FROM current_snapshot_change h
        WHERE h.project_id = k.project_id AND h.version < k.before
        ORDER BY h.version DESC LIMIT k.lim
      ) c
      ORDER BY k.n, c.version DESC`);
    const pages: CurrentSnapshotChange[][] = keys.map(() => []);
    for (const row of rows) {
      const change = this.t.currentChange.hydrate(row);
      change.downgrade = row.downgrade;
      pages[Number(row.n) - 1]!.push(change);
    }
    return pages;
  }

  /** How many changes each project's history has. */
  async counts(db: Db, projectIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await db.many(sql<{ projectId: string; n: number }>`
      SELECT c.project_id AS "projectId", count(*)::int AS n FROM current_snapshot_change c
      WHERE c.project_id = ANY(${projectIds}::uuid[]) GROUP BY c.project_id`);
    return new Map(rows.map((r) => [r.projectId, r.n]));
  }
}
