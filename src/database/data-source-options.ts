import type { Duplex } from 'node:stream';
import type { DataSourceOptions, Logger } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DataSourceSettings {
  url: string;
  /** Instead of a connection to `url`'s host: one in this process (the embedded database). */
  stream?: () => Duplex;
  poolSize: number;
  statementTimeoutMs: number;
  logger?: Logger;
}

/** The one description of how the server talks to PostgreSQL; the app and the migration CLI both use it. */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsRun: false,
    synchronize: false,
    poolSize: settings.poolSize,
    applicationName: 'snapshot-registry',
    logger: settings.logger,
    logging: settings.logger ? ['query', 'error'] : false,
    extra: {
      ...(settings.stream ? { stream: settings.stream } : {}),
      connectionTimeoutMillis: 5_000,
      statement_timeout: settings.statementTimeoutMs,
      idle_in_transaction_session_timeout: settings.statementTimeoutMs * 3,
    },
  };
}
