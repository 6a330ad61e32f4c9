import type { Duplex } from 'node:stream';
import { Client } from 'pg';
import type { DataSource, Migration } from 'typeorm';

/** Any fixed number: every instance of the server takes the same lock. */
const MIGRATION_LOCK = 0x5e4a_7001;

/**
 * Applies pending migrations, holding a PostgreSQL advisory lock so that
 * instances starting together on a fresh database apply them once. The lock
 * lives on a connection of its own, outside the data source's pool (which may
 * have a single connection), and is released when that connection closes.
 */
export async function migrate(dataSource: DataSource, url: string, stream?: () => Duplex): Promise<Migration[]> {
  const lock = new Client({ connectionString: url, application_name: 'snapshot-registry-migrate', ...(stream ? { stream } : {}) });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.end().catch(() => undefined);
  }
}
