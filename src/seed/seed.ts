import type { DataSource } from 'typeorm';
import { Db, type SqlFragment, sql, trustedSql } from '../database/sql';
import { currentChangeKindCodes, planStatusCodes, snapshotStatusCodes } from '../database/status-codes';
import { CurrentChangeKind } from '../projects/current-change-kind';
import { PlanStatus } from '../projects/plan-status';
import { SnapshotStatus as S } from '../snapshots/snapshot-lifecycle';

/** What one scale unit makes; `--scale N` multiplies the projects. */
export const PROJECTS_PER_SCALE = 200;
export const SNAPSHOTS_PER_PROJECT = 100;

/**
 * The plans of every project, oldest first. The last one borrows the images of
 * the first (its `snapshot_plan_id`), so it has no images of its own.
 */
export const PLAN_LABELS = ['linux-x64', 'linux-arm64', 'macos', 'windows', 'docs'] as const;
const LENDING_PLAN = 1;
const BORROWING_PLAN = PLAN_LABELS.length;
export const IMAGES_PER_SNAPSHOT = PLAN_LABELS.length - 1;

export interface SeedOptions {
  /** Multiplies the projects: 200 x scale. */
  scale: number;
  /** Empty the tables first instead of refusing a database that has data. */
  reset: boolean;
}

export interface SeedReport {
  projects: number;
  plans: number;
  snapshots: number;
  images: number;
  /** Snapshots and images by status name. */
  snapshotStatuses: Record<string, number>;
  imageStatuses: Record<string, number>;
  ms: number;
}

export class DatabaseNotEmptyError extends Error {}

/**
 * The histories a snapshot can have, each consistent with the lifecycle: its
 * status and the statuses of its four images, in plan order.
 */
const HISTORIES: Readonly<Record<string, { snapshot: S; images: readonly S[] }>> = {
  building: { snapshot: S.PENDING, images: [S.ACTIVE, S.PENDING, S.UNKNOWN, S.ACTIVE] },
  active: { snapshot: S.ACTIVE, images: [S.ACTIVE, S.ACTIVE, S.ACTIVE, S.ACTIVE] },
  imageInvalidated: { snapshot: S.INVALIDATED, images: [S.ACTIVE, S.ACTIVE, S.INVALIDATED, S.ACTIVE] },
  buildFailedLater: { snapshot: S.INVALIDATED, images: [S.ACTIVE, S.ACTIVE, S.ACTIVE, S.ACTIVE] },
  imageFailed: { snapshot: S.FAILED, images: [S.ACTIVE, S.FAILED, S.PENDING, S.UNKNOWN] },
  neverStarted: { snapshot: S.UNKNOWN, images: [S.UNKNOWN, S.UNKNOWN, S.UNKNOWN, S.UNKNOWN] },
};

/**
 * Which history the snapshot of age `a` (0 = newest of its project) has, as
 * SQL: the two newest are still building, the third is the current one, and
 * older ones repeat a pattern of ten.
 */
const HISTORY_BY_AGE = trustedSql(`CASE
  WHEN a < 2 THEN 'building'
  WHEN a = 2 THEN 'active'
  WHEN a % 10 = 7 THEN 'imageInvalidated'
  WHEN a % 10 IN (1, 2) THEN 'buildFailedLater'
  WHEN a % 10 = 8 THEN 'imageFailed'
  WHEN a % 10 = 9 THEN 'neverStarted'
  ELSE 'active' END`);

/** HISTORIES as an SQL VALUES list: (name, snapshot_status, image_statuses), in status codes. */
function historiesSql(): SqlFragment {
  const code = (status: S) => snapshotStatusCodes.encode(status);
  return sql.join(
    Object.entries(HISTORIES).map(
      ([name, h]) => sql`(${name}::text, ${code(h.snapshot)}::smallint, ${h.images.map(code)}::smallint[])`,
    ),
  );
}

/**
 * Fills an empty database with a realistic history in a few set-based
 * statements, in one transaction: 200 x scale projects, each with five plans
 * (the last borrowing the first's images) and 100 snapshots of four images.
 */
export async function seed(dataSource: DataSource, options: SeedOptions): Promise<SeedReport> {
  const { scale } = options;
  if (!Number.isInteger(scale) || scale < 1 || scale > 1000) throw new RangeError('scale must be a whole number from 1 to 1000');
  const started = Date.now();
  const db = Db.of(dataSource);
  await db.transaction(async (tx) => {
    // The bulk statements take longer than the server's per-statement limit at larger scales.
    await tx.exec(sql`SET LOCAL statement_timeout = 0`);
    const { n } = await tx.one(sql<{ n: number }>`SELECT count(*)::int AS n FROM project`);
    if (n > 0) {
      if (!options.reset) {
        throw new DatabaseNotEmptyError(`the database already has ${n} projects; pass --reset to replace all data`);
      }
      await tx.exec(sql`TRUNCATE snapshot_lease, snapshot_status_change, current_snapshot_change, snapshot_image, snapshot, plan, project`);
    }
    await fill(tx, PROJECTS_PER_SCALE * scale);
  });
  const ms = Date.now() - started;
  return { ...(await count(db)), ms };
}

async function fill(tx: Db, projects: number): Promise<void> {
  // Everything happened over the past `projects + 100` hours: project i was
  // created i hours after the start, its k-th snapshot k hours after that, and
  // the parts of each a few microseconds apart, in their listing order.
  await tx.exec(
    sql`INSERT INTO project (slug, name, date_created)
     SELECT format('project-%s', lpad(i::text, 5, '0')), format('Project %s', i),
            date_trunc('hour', now()) - make_interval(hours => ${projects}::int + ${SNAPSHOTS_PER_PROJECT}::int - i)
     FROM generate_series(1, ${projects}::int) AS i`,
  );
  // Every tenth project has stopped using its borrowing plan (INACTIVE).
  await tx.exec(
    sql`INSERT INTO plan (project_id, label, status, date_created)
     SELECT p.id, l.label,
            CASE WHEN l.n = ${BORROWING_PLAN}::int AND right(p.slug, 1) = '0'
                 THEN ${planStatusCodes.encode(PlanStatus.INACTIVE)}::smallint
                 ELSE ${planStatusCodes.encode(PlanStatus.ACTIVE)}::smallint END,
            p.date_created + make_interval(secs => l.n)
     FROM project p CROSS JOIN unnest(${PLAN_LABELS}::text[]) WITH ORDINALITY AS l(label, n)`,
  );
  await tx.exec(
    sql`UPDATE plan b SET snapshot_plan_id = l.id
     FROM plan l
     WHERE l.project_id = b.project_id AND b.label = ${PLAN_LABELS[BORROWING_PLAN - 1]!} AND l.label = ${PLAN_LABELS[LENDING_PLAN - 1]!}`,
  );
  // Snapshots and their images in one statement, so that both see each
  // snapshot's history. Revisions are 40 hex digits; build ids are UUIDs and
  // job ids are named the way CI systems do ("project-00001/42/3"); images
  // are created in plan order, a millisecond apart.
  await tx.exec(
    sql`WITH history (name, snapshot_status, image_statuses) AS (
       VALUES ${historiesSql()}
     ),
     planned AS MATERIALIZED (
       SELECT gen_random_uuid() AS id, p.id AS project_id, p.slug, k, h.snapshot_status, h.image_statuses,
              p.date_created + make_interval(hours => k) AS date_created
       FROM project p
       CROSS JOIN generate_series(1, ${SNAPSHOTS_PER_PROJECT}::int) AS k
       CROSS JOIN LATERAL (SELECT ${SNAPSHOTS_PER_PROJECT}::int - k AS a) AS age
       JOIN history h ON h.name = ${HISTORY_BY_AGE}
     ),
     snapshots AS (
       INSERT INTO snapshot (id, project_id, status, date_created, build_id, revision)
       SELECT id, project_id, snapshot_status, date_created, gen_random_uuid(),
              md5(slug || '/' || k) || left(md5(k || '/' || slug), 8)
       FROM planned
     )
     INSERT INTO snapshot_image (snapshot_id, plan_id, status, date_created, job_id)
     SELECT s.id, pl.id, s.image_statuses[pl.n], s.date_created + make_interval(secs => pl.n / 1000.0),
            format('%s/%s/%s', s.slug, s.k, pl.n)
     FROM planned s
     JOIN (SELECT id, project_id, row_number() OVER (PARTITION BY project_id ORDER BY date_created, id) AS n
           FROM plan WHERE snapshot_plan_id IS NULL) AS pl ON pl.project_id = s.project_id
     WHERE pl.n <= ${IMAGES_PER_SNAPSHOT}::int`,
  );
  await tx.exec(
    sql`UPDATE project p SET current_snapshot_id = (
       SELECT s.id FROM snapshot s WHERE s.project_id = p.id AND s.status = ${snapshotStatusCodes.encode(S.ACTIVE)}::smallint
       ORDER BY s.date_created DESC, s.id DESC LIMIT 1)`,
  );
  await histories(tx);
  await tx.exec(sql`ANALYZE project, plan, snapshot, snapshot_image, snapshot_status_change, current_snapshot_change`);
}

async function count(db: Db): Promise<Omit<SeedReport, 'ms'>> {
  const totals = await db.one(
    sql<Omit<SeedReport, 'ms' | 'snapshotStatuses' | 'imageStatuses'>>`SELECT
       (SELECT count(*)::int FROM project) AS projects, (SELECT count(*)::int FROM plan) AS plans,
       (SELECT count(*)::int FROM snapshot) AS snapshots, (SELECT count(*)::int FROM snapshot_image) AS images`,
  );
  const byStatus = async (table: 'snapshot' | 'snapshot_image') => {
    const rows = await db.many(
      sql<{ status: number; n: number }>`SELECT status, count(*)::int AS n FROM ${trustedSql(table)} GROUP BY status ORDER BY status`,
    );
    return Object.fromEntries(rows.map((r) => [snapshotStatusCodes.decode(r.status), r.n]));
  };
  return { ...totals, snapshotStatuses: await byStatus('snapshot'), imageStatuses: await byStatus('snapshot_image') };
}

/**
 * The histories that go with the data, by the actor "seed": every snapshot's
 * status changes (the path its status allows from PENDING at creation; an
 * INVALIDATED snapshot whose images are all ACTIVE was invalidated by its
 * build), and each project's promotions: every ACTIVE snapshot of the ten hours
 * up to the current one was made current in turn, half an hour after it was
 * created, the current one last.
 */
async function histories(tx: Db): Promise<void> {
  const code = (status: S) => snapshotStatusCodes.encode(status);
  const steps: [S, number, S, S][] = [
    [S.PENDING, 0, S.UNKNOWN, S.PENDING],
    [S.ACTIVE, 0, S.UNKNOWN, S.PENDING],
    [S.ACTIVE, 1, S.PENDING, S.ACTIVE],
    [S.FAILED, 0, S.UNKNOWN, S.PENDING],
    [S.FAILED, 1, S.PENDING, S.FAILED],
    [S.INVALIDATED, 0, S.UNKNOWN, S.PENDING],
    [S.INVALIDATED, 1, S.PENDING, S.ACTIVE],
    [S.INVALIDATED, 2, S.ACTIVE, S.INVALIDATED],
  ];
  await tx.exec(sql`
    INSERT INTO snapshot_status_change (snapshot_id, from_status, to_status, actor, reason, at)
    SELECT s.id, path.from_status, path.to_status, 'seed',
           CASE WHEN path.to_status = ${code(S.INVALIDATED)}
                 AND ${code(S.ACTIVE)} = ALL (SELECT i.status FROM snapshot_image i WHERE i.snapshot_id = s.id)
                THEN format('build %s did not pass', s.build_id) END,
           s.date_created + make_interval(mins => path.step * 10)
    FROM snapshot s
    JOIN unnest(${steps.map((p) => code(p[0]))}::smallint[], ${steps.map((p) => p[1])}::int[],
                ${steps.map((p) => code(p[2]))}::smallint[], ${steps.map((p) => code(p[3]))}::smallint[])
      AS path (status, step, from_status, to_status) ON path.status = s.status
    ORDER BY s.date_created, s.id, path.step`);
  await tx.exec(sql`
    WITH promoted AS (
      SELECT s.project_id, s.id, s.date_created,
             row_number() OVER w AS version, lag(s.id) OVER w AS from_id
      FROM project p
      JOIN snapshot c ON c.id = p.current_snapshot_id
      JOIN snapshot s ON s.project_id = p.id AND s.status = ${code(S.ACTIVE)}
       AND s.date_created BETWEEN c.date_created - interval '10 hours' AND c.date_created
      WINDOW w AS (PARTITION BY s.project_id ORDER BY s.date_created, s.id)
    ), recorded AS (
      INSERT INTO current_snapshot_change (project_id, version, kind, from_snapshot_id, to_snapshot_id, actor, at)
      SELECT project_id, version, ${currentChangeKindCodes.encode(CurrentChangeKind.SET)}, from_id, id, 'seed',
             date_created + interval '30 minutes'
      FROM promoted
    )
    UPDATE project p SET current_version = n.versions
    FROM (SELECT project_id, max(version) AS versions FROM promoted GROUP BY project_id) n
    WHERE n.project_id = p.id`);
}
