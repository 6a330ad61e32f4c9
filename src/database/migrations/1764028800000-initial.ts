import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects, plans, snapshots and their images. Statuses keep the integer codes
 * of the original models: unknown 0, active 1, failed 2, invalidated 3, pending 4.
 */
export class Initial1764028800000 implements MigrationInterface {
  name = 'Initial1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE project (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(64) NOT NULL CONSTRAINT project_slug_key UNIQUE,
        name varchar(64) NOT NULL,
        date_created timestamptz NOT NULL DEFAULT clock_timestamp(),
        current_snapshot_id uuid
      )`);
    await q.query(`
      CREATE TABLE plan (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        label varchar(128) NOT NULL,
        status smallint NOT NULL DEFAULT 1 CONSTRAINT plan_status_check CHECK (status IN (0, 1)),
        snapshot_plan_id uuid REFERENCES plan (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT plan_not_own_snapshot_plan CHECK (snapshot_plan_id <> id)
      )`);
    await q.query(`CREATE INDEX plan_project_idx ON plan (project_id, date_created, id)`);
    await q.query(`CREATE INDEX plan_snapshot_plan_idx ON plan (snapshot_plan_id) WHERE snapshot_plan_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE snapshot (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        status smallint NOT NULL DEFAULT 0 CONSTRAINT snapshot_status_check CHECK (status IN (0, 1, 2, 3, 4)),
        date_created timestamptz NOT NULL DEFAULT clock_timestamp(),
        build_id uuid CONSTRAINT snapshot_build_id_key UNIQUE,
        revision varchar(255),
        CONSTRAINT snapshot_id_project_key UNIQUE (id, project_id)
      )`);
    await q.query(`CREATE INDEX snapshot_project_listing_idx ON snapshot (project_id, date_created DESC, id DESC)`);
    await q.query(`CREATE INDEX snapshot_listing_idx ON snapshot (date_created DESC, id DESC)`);
    // The current snapshot is one of the project's own; deleting it clears the column only.
    await q.query(`
      ALTER TABLE project ADD CONSTRAINT project_current_snapshot_fkey
        FOREIGN KEY (current_snapshot_id, id) REFERENCES snapshot (id, project_id)
        ON DELETE SET NULL (current_snapshot_id)`);
    await q.query(`
      CREATE TABLE snapshot_image (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        snapshot_id uuid NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
        plan_id uuid NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
        status smallint NOT NULL DEFAULT 0 CONSTRAINT snapshot_image_status_check CHECK (status IN (0, 1, 2, 3, 4)),
        date_created timestamptz NOT NULL DEFAULT clock_timestamp(),
        job_id uuid CONSTRAINT snapshot_image_job_id_key UNIQUE,
        CONSTRAINT snapshot_image_snapshot_plan_key UNIQUE (snapshot_id, plan_id)
      )`);
    await q.query(`CREATE INDEX snapshot_image_plan_idx ON snapshot_image (plan_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE project DROP CONSTRAINT project_current_snapshot_fkey`);
    await q.query(`DROP TABLE snapshot_image`);
    await q.query(`DROP TABLE snapshot`);
    await q.query(`DROP TABLE plan`);
    await q.query(`DROP TABLE project`);
  }
}
