import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The node-postgres Pool behind a TypeORM data source (its driver's `master`), or null before it connects. */
export function pgPool(dataSource: DataSource): Pool | null {
  if (!dataSource.isInitialized) return null;
  return ((dataSource.driver as unknown as { master?: Pool }).master ?? null) as Pool | null;
}
