import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';

export interface Database {
  dataSource: DataSource;
  /** True when the data lives in the embedded PostgreSQL under DATA_DIR. */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL (DATABASE_URL, or the embedded one under DATA_DIR)
 * and applies pending migrations.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize' | 'statementTimeoutMs'>,
  logger?: TypeOrmLogger,
): Promise<Database> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres(config.dataDir, config.poolSize + 10);
  const dataSource = new DataSource(
    dataSourceOptions({
      url: config.databaseUrl ?? embedded!.url,
      poolSize: config.poolSize,
      statementTimeoutMs: config.statementTimeoutMs,
      logger,
    }),
  );
  try {
    await dataSource.initialize();
    await migrate(dataSource);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    embedded: embedded !== null,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
