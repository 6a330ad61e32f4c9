import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config';
import { dataSourceOptions } from './src/database/data-source-options';

/**
 * The TypeORM CLI's DataSource (`npx typeorm -d dist/ormconfig.js ...`), with
 * the options the server uses (src/database/data-source-options.ts); it reads
 * DATABASE_URL when loaded, so the server itself does not import this file.
 */
const config = loadConfig();
export default new DataSource(
  dataSourceOptions({
    url: config.databaseUrl ?? '',
    poolSize: config.poolSize,
    statementTimeoutMs: config.statementTimeoutMs,
  }),
);
