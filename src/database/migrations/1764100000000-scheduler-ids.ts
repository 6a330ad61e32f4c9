import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Build and job ids are whatever the scheduler calls its builds and jobs
 * ("1234", "main-5678"), up to 255 characters, instead of UUIDs. The UUIDs
 * already stored become their canonical text, the form the server gives new
 * ones that are UUIDs; the unique constraints stay (their indexes are rebuilt).
 */
export class SchedulerIds1764100000000 implements MigrationInterface {
  name = 'SchedulerIds1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE snapshot ALTER COLUMN build_id TYPE varchar(255) USING build_id::text`);
    await q.query(`ALTER TABLE snapshot_image ALTER COLUMN job_id TYPE varchar(255) USING job_id::text`);
  }

  /** Back to uuid columns; fails, changing nothing, while any build or job id is not a UUID. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE snapshot_image ALTER COLUMN job_id TYPE uuid USING job_id::uuid`);
    await q.query(`ALTER TABLE snapshot ALTER COLUMN build_id TYPE uuid USING build_id::uuid`);
  }
}
