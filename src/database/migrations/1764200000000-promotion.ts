import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who changed what, and why: a project's current-snapshot changes, each with
 * the version it made (`project.current_version` counts them), and every
 * change of a snapshot's own status. Both histories only grow.
 *
 * Kinds of current-snapshot change: SET 0, CLEARED 1, ROLLBACK 2. Snapshot
 * statuses keep the codes of the initial migration.
 */
export class Promotion1764200000000 implements MigrationInterface {
  name = 'Promotion1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE project ADD COLUMN current_version int NOT NULL DEFAULT 0`);
    // Snapshot ids are kept as they were, without a foreign key: the history is never
    // rewritten, even if a snapshot row is deleted by hand (its fields then read null).
    await q.query(`
      CREATE TABLE current_snapshot_change (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        version int NOT NULL CONSTRAINT current_snapshot_change_version_check CHECK (version > 0),
        kind smallint NOT NULL CONSTRAINT current_snapshot_change_kind_check CHECK (kind IN (0, 1, 2)),
        from_snapshot_id uuid,
        to_snapshot_id uuid,
        actor varchar(64) NOT NULL,
        reason text,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT current_snapshot_change_project_version_key UNIQUE (project_id, version),
        CONSTRAINT current_snapshot_change_to_check CHECK ((kind = 1) = (to_snapshot_id IS NULL)),
        CONSTRAINT current_snapshot_change_moves_check CHECK (from_snapshot_id IS DISTINCT FROM to_snapshot_id)
      )`);
    await q.query(`
      CREATE TABLE snapshot_status_change (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        snapshot_id uuid NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
        from_status smallint NOT NULL CONSTRAINT snapshot_status_change_from_check CHECK (from_status IN (0, 1, 2, 3, 4)),
        to_status smallint NOT NULL CONSTRAINT snapshot_status_change_to_check CHECK (to_status IN (0, 1, 2, 3, 4)),
        actor varchar(64) NOT NULL,
        reason text,
        image_id uuid,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX snapshot_status_change_snapshot_idx ON snapshot_status_change (snapshot_id, id)`);
    // Snapshots made before this history was kept: the one path each present status
    // allows from creation (PENDING), by an unknown actor, dated at creation.
    await q.query(`
      INSERT INTO snapshot_status_change (snapshot_id, from_status, to_status, actor, at)
      SELECT s.id, path.from_status, path.to_status, 'unknown', s.date_created
      FROM snapshot s
      JOIN (VALUES (4, 1, 0, 4), (1, 1, 0, 4), (1, 2, 4, 1), (2, 1, 0, 4), (2, 2, 4, 2),
                   (3, 1, 0, 4), (3, 2, 4, 1), (3, 3, 1, 3)) AS path (status, step, from_status, to_status)
        ON path.status = s.status
      ORDER BY s.date_created, s.id, path.step`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE snapshot_status_change`);
    await q.query(`DROP TABLE current_snapshot_change`);
    await q.query(`ALTER TABLE project DROP COLUMN current_version`);
  }
}
