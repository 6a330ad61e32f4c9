import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import type { Config } from '../config';
import { prepareDataDir } from './data-dir';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';
import { Db, sql } from './sql';
import { dataDirFailure, databaseUrlError } from './startup-errors';

export interface Database {
  dataSource: DataSource;
  /** DATABASE_URL; for the embedded database a nominal one (it is reached in-process, with no port). */
  url: string;
  /** True when the data lives in the embedded PostgreSQL under DATA_DIR. */
  embedded: boolean;
  /**
   * True for PGlite (embedded here, or reached through its socket): one
   * backend that only this process can use, so changes are told in-process.
   */
  pglite: boolean;
  /** The migrations this start applied (class names, oldest first); empty when none was pending. */
  migrationsApplied: string[];
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL (DATABASE_URL, or the embedded one under DATA_DIR)
 * and applies pending migrations. A DATABASE_URL that cannot be reached or
 * prepared, or a DATA_DIR that cannot be written, is a DatabaseStartError
 * whose message names it.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize' | 'statementTimeoutMs'>,
  logger?: TypeOrmLogger,
): Promise<Database> {
  let embedded: EmbeddedPostgres | null = null;
  if (!config.databaseUrl) {
    prepareDataDir(config.dataDir);
    try {
      embedded = await startEmbeddedPostgres(config.dataDir, config.poolSize + 10);
    } catch (err) {
      throw dataDirFailure(err, config.dataDir) ?? err;
    }
  }
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = new DataSource(
    dataSourceOptions({
      url,
      stream: embedded?.stream,
      poolSize: config.poolSize,
      statementTimeoutMs: config.statementTimeoutMs,
      logger,
    }),
  );
  let pglite: boolean;
  let migrationsApplied: string[];
  try {
    await dataSource.initialize();
    migrationsApplied = (await migrate(dataSource, url, embedded?.stream)).map((m) => m.name);
    const { version } = await Db.of(dataSource).one(sql<{ version: string }>`SELECT version()`);
    pglite = /PGlite/.test(version);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await embedded?.stop();
    throw config.databaseUrl ? databaseUrlError(err, config.databaseUrl) : err;
  }
  return {
    dataSource,
    url,
    embedded: embedded !== null,
    pglite,
    migrationsApplied,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
