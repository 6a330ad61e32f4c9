import type { DataSource, Migration } from 'typeorm';

/** Any fixed number: every instance of the server takes the same lock. */
const MIGRATION_LOCK = 0x5e4a_7001;

/**
 * Applies pending migrations, holding a PostgreSQL advisory lock so that
 * instances starting together on a fresh database apply them once.
 */
export async function migrate(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
