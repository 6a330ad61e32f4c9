import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention: each project's keep policy, when a snapshot expired, and the
 * leases builds hold on the snapshots they run on.
 */
export class Retention1764300000000 implements MigrationInterface {
  name = 'Retention1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE project
        ADD COLUMN keep_active integer NOT NULL DEFAULT 10
          CONSTRAINT project_keep_active_check CHECK (keep_active BETWEEN 0 AND 1000),
        ADD COLUMN keep_days integer NOT NULL DEFAULT 30
          CONSTRAINT project_keep_days_check CHECK (keep_days BETWEEN 0 AND 3650),
        ADD COLUMN keep_history integer NOT NULL DEFAULT 5
          CONSTRAINT project_keep_history_check CHECK (keep_history BETWEEN 0 AND 100)`);
    await q.query(`ALTER TABLE snapshot ADD COLUMN expired_at timestamptz`);
    // What expiry reads, and where the newest ACTIVE snapshots are counted: a project's unexpired snapshots, newest first.
    await q.query(`
      CREATE INDEX snapshot_unexpired_idx ON snapshot (project_id, date_created DESC, id DESC)
        WHERE expired_at IS NULL`);
    await q.query(`
      CREATE TABLE snapshot_lease (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        snapshot_id uuid NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
        holder varchar(255) NOT NULL CONSTRAINT snapshot_lease_holder_check CHECK (holder <> ''),
        date_created timestamptz NOT NULL DEFAULT clock_timestamp(),
        expires_at timestamptz NOT NULL,
        released_at timestamptz
      )`);
    // A snapshot's leases that are not released (the live ones among them), oldest first.
    await q.query(`
      CREATE INDEX snapshot_lease_unreleased_idx ON snapshot_lease (snapshot_id, date_created, id)
        WHERE released_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE snapshot_lease`);
    await q.query(`DROP INDEX snapshot_unexpired_idx`);
    await q.query(`ALTER TABLE snapshot DROP COLUMN expired_at`);
    await q.query(`ALTER TABLE project DROP COLUMN keep_active, DROP COLUMN keep_days, DROP COLUMN keep_history`);
  }
}
