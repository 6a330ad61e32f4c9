import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';
import { Db, sql } from './sql';

export interface Database {
  dataSource: DataSource;
  url: string;
  /** True when the data lives in the embedded PostgreSQL under DATA_DIR. */
  embedded: boolean;
  /**
   * True for PGlite (embedded here, or reached through its socket): one
   * backend that only this process can use, so changes are told in-process.
   */
  pglite: boolean;
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
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = new DataSource(
    dataSourceOptions({
      url,
      poolSize: config.poolSize,
      statementTimeoutMs: config.statementTimeoutMs,
      logger,
    }),
  );
  let pglite: boolean;
  try {
    await dataSource.initialize();
    await migrate(dataSource, url);
    const { version } = await Db.of(dataSource).one(sql<{ version: string }>`SELECT version()`);
    pglite = /PGlite/.test(version);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    url,
    embedded: embedded !== null,
    pglite,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
