import 'reflect-metadata';
import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import { loadConfig } from './src/config';
import { entities } from './src/database/entities';
import { migrations } from './src/database/migrations';

export interface DataSourceSettings {
  url: string;
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
      connectionTimeoutMillis: 5_000,
      statement_timeout: settings.statementTimeoutMs,
      idle_in_transaction_session_timeout: settings.statementTimeoutMs * 3,
    },
  };
}

/** For the TypeORM CLI (`npx typeorm -d dist/ormconfig.js ...`): needs DATABASE_URL. */
const config = loadConfig();
export default new DataSource(
  dataSourceOptions({
    url: config.databaseUrl ?? '',
    poolSize: config.poolSize,
    statementTimeoutMs: config.statementTimeoutMs,
  }),
);
