/*
 * An expiry run over seeded data: `npm run build && node bench/expiry.mjs [--scale N]`.
 *
 * Makes a database of its own on the PostgreSQL server at DATABASE_URL (loopback
 * only; by default postgres://postgres@127.0.0.1:5432/test), seeds it with the
 * project's own seed code (--scale 10 unless told), and runs expiry over every
 * project through the built services, as the periodic run does: a dry run, the
 * real run, and a second real run (nothing left to expire). Prints the time,
 * the SQL statements (BEGIN and COMMIT included) and the snapshots each named,
 * and drops the database.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/util.mjs';

const require = createRequire(`${ROOT}/`);
const pg = require('pg');
require('reflect-metadata');
const dist = (file) => require(path.join(ROOT, 'dist/src', file));
const { loadConfig } = dist('config.js');
const { openDatabase } = dist('database/database.js');
const { seed } = dist('seed/seed.js');
const { Services } = dist('services.js');
const { PostgresChangeFeed } = dist('events/postgres-change-feed.js');

const argv = process.argv.slice(2);
const scaleAt = argv.indexOf('--scale');
const SCALE = scaleAt >= 0 ? Number(argv[scaleAt + 1]) : 10;
const DB_NAME = 'snapshot_registry_expiry_bench';

const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(new URL(adminUrl).hostname)) {
  throw new Error(`the bench runs on loopback only; DATABASE_URL names ${new URL(adminUrl).hostname}`);
}
const url = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

async function admin(statement) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Counts every statement the data source sends (as the API tests do). */
class Counter {
  statements = 0;
  logQuery() {
    this.statements++;
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

const silent = { warn() {}, info() {}, error() {}, debug() {} };

async function main() {
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB_NAME}`);
  const counter = new Counter();
  // A statement may take longer than the server's default 10 s here: this is a measurement.
  const database = await openDatabase(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'warn', STATEMENT_TIMEOUT_MS: '600000' }), counter);
  try {
    const report = await seed(database.dataSource, { scale: SCALE, reset: false });
    console.log(`seeded --scale ${SCALE} in ${(report.ms / 1000).toFixed(1)} s: ${report.projects} projects, ${report.snapshots} snapshots, ${report.images} images`);
    await database.dataSource.query('ANALYZE');
    // NOTIFY is part of a run on PostgreSQL; no LISTEN is needed to send it.
    const services = new Services(database.dataSource, new PostgresChangeFeed(url, silent));
    const runs = [
      ['dry run', () => services.expiry.expire(null, true)],
      ['run', () => services.expiry.expireAllExclusively()],
      ['run again', () => services.expiry.expireAllExclusively()],
    ];
    const results = [];
    for (const [name, run] of runs) {
      counter.statements = 0;
      const started = process.hrtime.bigint();
      const expired = await run();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      results.push({ name, ms, statements: counter.statements, snapshots: expired.length });
      console.log(`${name}: ${(ms / 1000).toFixed(2)} s, ${counter.statements} statements, ${expired.length} snapshots`);
    }
    const [{ n: expiredRows }] = await database.dataSource.query('SELECT count(*)::int AS n FROM snapshot WHERE expired_at IS NOT NULL');
    console.log(`expired in the database: ${expiredRows} of ${report.snapshots} snapshots, over ${report.projects} projects`);
    const load = os.loadavg()[0].toFixed(1);
    console.log(`machine: ${os.cpus().length} cores, load average ${load} (1 min) at the end`);
    console.log(JSON.stringify({ scale: SCALE, projects: report.projects, snapshots: report.snapshots, load: Number(load), results }));
  } finally {
    await database.close();
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
