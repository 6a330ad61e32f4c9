import type { Cursor } from '../common/cursor';
import { canonicalUuid } from '../common/ids';
import type { EntityRow } from '../database/entity-rows';
import { type Db, type SqlFragment, sql } from '../database/sql';
import { snapshotStatusCodes } from '../database/status-codes';
import type { Tables } from '../database/tables';
import type { Plan } from '../projects/plan.entity';
import type { Project } from '../projects/project.entity';
import { matchProject } from '../projects/project.queries';
import { SnapshotStatus } from './snapshot-lifecycle';
import type { SnapshotImage } from './snapshot-image.entity';
import { SnapshotState } from './snapshot-state';
import type { Snapshot } from './snapshot.entity';

export interface SnapshotFilter {
  projectId: string | null;
  state: SnapshotState;
}

type PageRow = EntityRow & { cursorMicros: string; isCurrent: boolean };

export interface SnapshotPageRow {
  snapshot: Snapshot;
  cursor: Cursor;
}

/** One project's page of a nested listing (`Project.snapshots`), as a loader batches it. */
export interface ProjectPageKey {
  projectId: string;
  state: SnapshotState;
  /** Rows to read: the page size and one more, to tell whether a next page exists. */
  limit: number;
  after: Cursor | null;
  /** Read the page's images and their plans in the same statement. */
  withImages: boolean;
}

const INVALIDATED = snapshotStatusCodes.encode(SnapshotStatus.INVALIDATED);

/** The conditions of a listing, on the snapshot table aliased `s`. */
function conditions(filter: SnapshotFilter): SqlFragment[] {
  const where: SqlFragment[] = [];
  if (filter.projectId !== null) where.push(sql`s.project_id = ${filter.projectId}`);
  if (filter.state === SnapshotState.VALID) where.push(sql`s.status <> ${INVALIDATED}`, sql`s.expired_at IS NULL`);
  if (filter.state === SnapshotState.INVALID) where.push(sql`s.status = ${INVALIDATED}`);
  if (filter.state === SnapshotState.EXPIRED) where.push(sql`s.expired_at IS NOT NULL`);
  return where;
}

/** Reads of snapshots and images, shared by loaders and services (rows by id: `Tables`' `byIds`). */
export class SnapshotQueries {
  constructor(private readonly t: Tables) {}

  /**
   * A project by reference (its id, else its slug, as `matchProject` decides)
   * with its current snapshot, in one statement: null when no project matches.
   */
  async currentOfProject(db: Db, ref: string): Promise<{ project: Project; snapshot: Snapshot | null } | null> {
    const rows = await db.many(
      sql<EntityRow>`SELECT ${this.t.project.selectList('p', 'p.')}, ${this.t.snapshot.selectList('s', 's.')}
       FROM project p LEFT JOIN snapshot s ON s.id = p.current_snapshot_id
       WHERE p.id = ${canonicalUuid(ref)}::uuid OR p.slug = ${ref}`.prepared('current-of-project'),
    );
    const project = matchProject(rows.map((row) => this.t.project.hydrate(row, 'p.')), ref);
    if (!project) return null;
    const row = rows.find((r) => r['p.id'] === project.id)!;
    return { project, snapshot: row['s.id'] ? this.t.snapshot.hydrate(row, 's.') : null };
  }

  /** Images of the given snapshots, oldest first. */
  imagesOfSnapshots(db: Db, snapshotIds: readonly string[]): Promise<SnapshotImage[]> {
    return this.t.image.many(
      db,
      sql`SELECT ${this.t.image.selectList('i')} FROM snapshot_image i WHERE i.snapshot_id = ANY(${snapshotIds}::uuid[])
       ORDER BY i.snapshot_id, i.date_created, i.id`.prepared('images-of-snapshots'),
    );
  }

  /**
   * Images of the given snapshots with their plans, in one statement: what a
   * page's `images { plan { ... } }` asks, without a second statement and a
   * loader call per image. The plan is looked up per image by its primary key
   * (the OFFSET 0 keeps PostgreSQL from turning it into a hash join that
   * reads every plan: 0.6 ms instead of 0.3 ms for 200 images at --scale 1,
   * growing with the number of plans).
   */
  async imagesWithPlans(db: Db, snapshotIds: readonly string[]): Promise<SnapshotImage[]> {
    const rows = await db.many(
      sql<EntityRow>`SELECT ${this.t.image.selectList('i')}, ${this.t.plan.selectList('pl', 'plan.')}
       FROM snapshot_image i CROSS JOIN LATERAL (SELECT * FROM plan WHERE plan.id = i.plan_id OFFSET 0) pl
       WHERE i.snapshot_id = ANY(${snapshotIds}::uuid[])
       ORDER BY i.snapshot_id, i.date_created, i.id`.prepared('images-with-plans'),
    );
    const plans = new Map<string, Plan>();
    return rows.map((row) => {
      const image = this.t.image.hydrate(row);
      image.planWhenRead = this.planOf(row, plans);
      return image;
    });
  }

  /** The plan of an image row (columns `plan.*`), one object per plan of a statement (a page has a few plans, many images). */
  private planOf(row: EntityRow, plans: Map<string, Plan>): Plan {
    const id = row['plan.id'] as string;
    let plan = plans.get(id);
    if (!plan) plans.set(id, (plan = this.t.plan.hydrate(row, 'plan.')));
    return plan;
  }

  imageOfPlan(db: Db, snapshotId: string, planId: string): Promise<SnapshotImage | null> {
    return this.t.image.maybeOne(db, sql`snapshot_id = ${snapshotId} AND plan_id = ${planId}`);
  }

  /**
   * One page of a listing, newest first: up to `limit` snapshots after `after`,
   * each with its cursor (creation time in whole microseconds, and id).
   */
  async page(db: Db, filter: SnapshotFilter, limit: number, after: Cursor | null, withImages = false): Promise<SnapshotPageRow[]> {
    const where = conditions(filter);
    if (after) {
      const micros = sql`${after.micros}::bigint`;
      where.push(sql`(s.date_created, s.id) < (timestamptz 'epoch' + (${micros} / 1000000) * interval '1 second'
        + (${micros} % 1000000) * interval '1 microsecond', ${after.id}::uuid)`);
    }
    // isCurrent comes with the page (`Snapshot.currentWhenRead`) from its project, joined by
    // primary key (a correlated subquery per row cost PostgreSQL 0.5 ms a page of 50, this 0.08).
    const page = sql`SELECT ${this.t.snapshot.selectList('s')},
         (extract(epoch FROM s.date_created) * 1000000)::bigint::text AS "cursorMicros",
         coalesce(s.id = p.current_snapshot_id, false) AS "isCurrent"
       FROM snapshot s JOIN project p ON p.id = s.project_id ${sql.where(where)}
       ORDER BY s.date_created DESC, s.id DESC LIMIT ${limit}`;
    if (!withImages) {
      const rows = await db.many(sql<PageRow>`${page}`.prepared('snapshot-page'));
      return rows.map((row) => this.pageRow(row));
    }
    // Look-ahead (`withImages`): the page's images and their plans in the same statement, one
    // row per image (`Snapshot.imagesWhenRead`), instead of a second statement and a loader call
    // per snapshot.
    const rows = await db.many(sql<PageRow>`${this.withImages(page, sql``)}`.prepared('snapshot-page-with-images'));
    return this.pageRows(rows, true);
  }

  /**
   * The pages of many projects' listings (`Project.snapshots` under a listing) in one
   * statement for each state and look-ahead they ask (one, for a query): each key's page,
   * in the order of `keys`. Each project's rows come from its own index range, as `page` reads them.
   */
  async pagesOfProjects(db: Db, keys: readonly ProjectPageKey[]): Promise<SnapshotPageRow[][]> {
    const pages: SnapshotPageRow[][] = keys.map(() => []);
    const groups = new Map<string, number[]>();
    keys.forEach((key, n) => {
      const group = `${key.state}:${key.withImages}`;
      groups.set(group, [...(groups.get(group) ?? []), n]);
    });
    for (const members of groups.values()) {
      const { state, withImages } = keys[members[0]!]!;
      if (members.length === 1) {
        // One project (a dashboard's `project { snapshots }`): the prepared statement of a
        // top-level listing, whose plan reads the project's index range and stops at the page
        // (the batched form below cost PostgreSQL 1.55 ms a dashboard page of 50, this 0.88).
        const key = keys[members[0]!]!;
        pages[members[0]!] = await this.page(db, { projectId: key.projectId, state }, key.limit, key.after, withImages);
        continue;
      }
      const of = <T>(pick: (key: ProjectPageKey) => T): T[] => members.map((n) => pick(keys[n]!));
      const where = [sql`s.project_id = k.project_id`, ...conditions({ projectId: null, state })];
      // Before every snapshot when no cursor is given: no snapshot is created at 'infinity'.
      where.push(sql`(s.date_created, s.id) < (coalesce(timestamptz 'epoch' + (k.micros / 1000000) * interval '1 second'
        + (k.micros % 1000000) * interval '1 microsecond', 'infinity'), coalesce(k.after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))`);
      const page = sql`SELECT k.n, ${this.t.snapshot.selectList('s')},
           (extract(epoch FROM s.date_created) * 1000000)::bigint::text AS "cursorMicros",
           coalesce(s.id = p.current_snapshot_id, false) AS "isCurrent"
         FROM unnest(${of((k) => k.projectId)}::uuid[], ${of((k) => k.limit)}::int[],
                     ${of((k) => k.after?.micros ?? null)}::bigint[], ${of((k) => k.after?.id ?? null)}::uuid[])
              WITH ORDINALITY AS k (project_id, lim, micros, after_id, n)
         CROSS JOIN LATERAL (
           SELECT s.* FROM snapshot s ${sql.where(where)} ORDER BY s.date_created DESC, s.id DESC LIMIT k.lim
         ) s
         JOIN project p ON p.id = s.project_id`;
      type KeyedRow = PageRow & { n: string };
      const rows = withImages
        ? await db.many(sql<KeyedRow>`${this.withImages(page, sql`s.n, `)}`)
        : await db.many(sql<KeyedRow>`${page} ORDER BY k.n, s.date_created DESC, s.id DESC`);
      // Rows come grouped by key (n, 1-based within the group), newest first within each.
      let start = 0;
      while (start < rows.length) {
        let end = start;
        while (end < rows.length && rows[end]!.n === rows[start]!.n) end++;
        pages[members[Number(rows[start]!.n) - 1]!] = this.pageRows(rows.slice(start, end), withImages);
        start = end;
      }
    }
    return pages;
  }

  /** A page statement (snapshot columns, `cursorMicros`, `isCurrent`) with each snapshot's images and their plans, one row per image; `orderFirst` leads the order. */
  private withImages(page: SqlFragment, orderFirst: SqlFragment): SqlFragment {
    // The plan is looked up per image as in `imagesWithPlans`.
    return sql`SELECT s.*, ${this.t.image.selectList('i', 'image.')}, ${this.t.plan.selectList('pl', 'plan.')}
       FROM (${page}) s
       LEFT JOIN snapshot_image i ON i.snapshot_id = s.id
       LEFT JOIN LATERAL (SELECT * FROM plan WHERE plan.id = i.plan_id OFFSET 0) pl ON true
       ORDER BY ${orderFirst}s."dateCreated" DESC, s.id DESC, i.date_created, i.id`;
  }

  /** Page rows, one per snapshot (or, `withImages`, one per image with the snapshot's columns), as hydrated snapshots. */
  private pageRows(rows: PageRow[], withImages: boolean): SnapshotPageRow[] {
    if (!withImages) return rows.map((row) => this.pageRow(row));
    const out: SnapshotPageRow[] = [];
    const plans = new Map<string, Plan>();
    let images: SnapshotImage[] = [];
    for (const row of rows) {
      if (out.at(-1)?.snapshot.id !== row.id) {
        const next = this.pageRow(row);
        next.snapshot.imagesWhenRead = images = [];
        out.push(next);
      }
      if (row['image.id'] === null) continue;
      const image = this.t.image.hydrate(row, 'image.');
      image.planWhenRead = this.planOf(row, plans);
      images.push(image);
    }
    return out;
  }

  private pageRow(row: PageRow): SnapshotPageRow {
    const snapshot = this.t.snapshot.hydrate(row);
    snapshot.currentWhenRead = row.isCurrent;
    return { snapshot, cursor: { micros: row.cursorMicros, id: snapshot.id } };
  }

  /** How many snapshots each project's listing in `state` has, in one statement. */
  async countsOfProjects(db: Db, projectIds: readonly string[], state: SnapshotState): Promise<Map<string, number>> {
    const where = [sql`s.project_id = ANY(${projectIds}::uuid[])`, ...conditions({ projectId: null, state })];
    const rows = await db.many(
      sql<{ projectId: string; n: number }>`SELECT s.project_id AS "projectId", count(*)::int AS n FROM snapshot s ${sql.where(where)} GROUP BY s.project_id`,
    );
    return new Map(rows.map((r) => [r.projectId, r.n]));
  }

  async count(db: Db, filter: SnapshotFilter): Promise<number> {
    const { n } = await db.one(sql<{ n: number }>`SELECT count(*)::int AS n FROM snapshot s ${sql.where(conditions(filter))}`.prepared('snapshot-count'));
    return n;
  }
}
