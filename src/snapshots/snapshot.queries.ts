import type { Cursor } from '../common/cursor';
import { canonicalUuid } from '../common/ids';
import type { Sql, Tables } from '../database/tables';
import type { Project } from '../projects/project.entity';
import { matchProject } from '../projects/project.queries';
import { STATUS_CODE, SnapshotStatus } from './snapshot-lifecycle';
import type { SnapshotImage } from './snapshot-image.entity';
import { SnapshotState } from './snapshot-state';
import type { Snapshot } from './snapshot.entity';

export interface SnapshotFilter {
  projectId: string | null;
  state: SnapshotState;
}

export interface SnapshotPageRow {
  snapshot: Snapshot;
  cursor: Cursor;
}

const INVALIDATED = STATUS_CODE[SnapshotStatus.INVALIDATED];

/** The WHERE clause of a listing, with its parameters numbered from $1. */
function where(filter: SnapshotFilter): { clause: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.projectId !== null) {
    params.push(filter.projectId);
    conditions.push(`s.project_id = $${params.length}`);
  }
  if (filter.state === SnapshotState.VALID) conditions.push(`s.status <> ${INVALIDATED}`);
  if (filter.state === SnapshotState.INVALID) conditions.push(`s.status = ${INVALIDATED}`);
  return { clause: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** Reads of snapshots and images, shared by loaders and services. */
export class SnapshotQueries {
  constructor(private readonly t: Tables) {}

  async snapshotsById(sql: Sql, ids: readonly string[]): Promise<Snapshot[]> {
    const rows = await sql.query(`SELECT ${this.t.snapshot.select('s')} FROM snapshot s WHERE s.id = ANY($1::uuid[])`, [ids]);
    return this.t.snapshot.hydrateAll(rows);
  }

  /**
   * A project by reference (its id, else its slug, as `matchProject` decides)
   * with its current snapshot, in one statement: null when no project matches.
   */
  async currentOfProject(sql: Sql, ref: string): Promise<{ project: Project; snapshot: Snapshot | null } | null> {
    const rows: Record<string, unknown>[] = await sql.query(
      `SELECT ${this.t.project.select('p', 'p.')}, ${this.t.snapshot.select('s', 's.')}
       FROM project p LEFT JOIN snapshot s ON s.id = p.current_snapshot_id
       WHERE p.id = $1::uuid OR p.slug = $2`,
      [canonicalUuid(ref), ref],
    );
    const project = matchProject(rows.map((row) => this.t.project.hydrate(row, 'p.')), ref);
    if (!project) return null;
    const row = rows.find((r) => r['p.id'] === project.id)!;
    return { project, snapshot: row['s.id'] ? this.t.snapshot.hydrate(row, 's.') : null };
  }

  async imagesById(sql: Sql, ids: readonly string[]): Promise<SnapshotImage[]> {
    const rows = await sql.query(`SELECT ${this.t.image.select('i')} FROM snapshot_image i WHERE i.id = ANY($1::uuid[])`, [ids]);
    return this.t.image.hydrateAll(rows);
  }

  /** Images of the given snapshots, oldest first. */
  async imagesOfSnapshots(sql: Sql, snapshotIds: readonly string[]): Promise<SnapshotImage[]> {
    const rows = await sql.query(
      `SELECT ${this.t.image.select('i')} FROM snapshot_image i WHERE i.snapshot_id = ANY($1::uuid[])
       ORDER BY i.snapshot_id, i.date_created, i.id`,
      [snapshotIds],
    );
    return this.t.image.hydrateAll(rows);
  }

  async imageOfPlan(sql: Sql, snapshotId: string, planId: string): Promise<SnapshotImage | null> {
    const rows = await sql.query(
      `SELECT ${this.t.image.select('i')} FROM snapshot_image i WHERE i.snapshot_id = $1 AND i.plan_id = $2`,
      [snapshotId, planId],
    );
    return rows.length ? this.t.image.hydrate(rows[0]) : null;
  }

  /**
   * One page of a listing, newest first: up to `limit` snapshots after `after`,
   * each with its cursor (creation time in whole microseconds, and id).
   */
  async page(sql: Sql, filter: SnapshotFilter, limit: number, after: Cursor | null): Promise<SnapshotPageRow[]> {
    const { clause, params } = where(filter);
    let condition = clause;
    if (after) {
      params.push(after.micros, after.id);
      const micros = `$${params.length - 1}::bigint`;
      const keyset = `(s.date_created, s.id) < (timestamptz 'epoch' + (${micros} / 1000000) * interval '1 second'
        + (${micros} % 1000000) * interval '1 microsecond', $${params.length}::uuid)`;
      condition = clause ? `${clause} AND ${keyset}` : `WHERE ${keyset}`;
    }
    params.push(limit);
    const rows = await sql.query(
      `SELECT ${this.t.snapshot.select('s')},
         (extract(epoch FROM s.date_created) * 1000000)::bigint::text AS "cursorMicros"
       FROM snapshot s ${condition}
       ORDER BY s.date_created DESC, s.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((row: Record<string, unknown>) => {
      const snapshot = this.t.snapshot.hydrate(row);
      return { snapshot, cursor: { micros: row.cursorMicros as string, id: snapshot.id } };
    });
  }

  async count(sql: Sql, filter: SnapshotFilter): Promise<number> {
    const { clause, params } = where(filter);
    const [row] = await sql.query(`SELECT count(*)::int AS n FROM snapshot s ${clause}`, params);
    return row.n;
  }
}
