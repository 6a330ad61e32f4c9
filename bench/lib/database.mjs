/*
 * The bench database: made for the run on the PostgreSQL server at
 * DATABASE_URL (loopback only), seeded by the project's own seed code, and
 * the inputs each scenario asks for.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, cpuMs } from './util.mjs';

const require = createRequire(`${ROOT}/`);
const pg = require('pg');

export const BENCH_DB = 'snapshot_registry_bench';

/** The admin URL (DATABASE_URL, or the local default) and the bench database's URL beside it. */
export function benchDatabase(env = process.env) {
  const adminUrl = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const host = new URL(adminUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host)) {
    throw new Error(`the bench runs on loopback only; DATABASE_URL names ${host}`);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${BENCH_DB}`;
  return { adminUrl, url: url.toString() };
}

export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(db) {
  await withClient(db.adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${BENCH_DB}`);
  });
}

export async function serverVersion(db) {
  return withClient(db.adminUrl, async (c) => (await c.query('SHOW server_version')).rows[0].server_version);
}

/** Seeds through the project's own seed code (dist/src/seed), which migrates first. */
export async function seedDatabase(db, scale, say) {
  require('reflect-metadata');
  const { loadConfig } = require(path.join(ROOT, 'dist/src/config.js'));
  const { openDatabase } = require(path.join(ROOT, 'dist/src/database/database.js'));
  const { seed } = require(path.join(ROOT, 'dist/src/seed/seed.js'));
  const database = await openDatabase(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' }));
  try {
    const report = await seed(database.dataSource, { scale, reset: true });
    say(`seeded --scale ${scale} in ${(report.ms / 1000).toFixed(1)} s: ${report.projects} projects, ` +
      `${report.snapshots} snapshots, ${report.images} images`);
    return report;
  } finally {
    await database.close();
  }
}

/** PostGraphile's isCurrent: a computed column, its way of adding a field to a table's type. */
export async function addPostGraphileIsCurrent(db) {
  await withClient(db.url, (c) =>
    c.query(`CREATE OR REPLACE FUNCTION snapshot_is_current(s snapshot) RETURNS boolean
             LANGUAGE sql STABLE AS $$
               SELECT EXISTS (SELECT 1 FROM project p WHERE p.id = s.project_id AND p.current_snapshot_id = s.id)
             $$`),
  );
}

/** Deterministic shuffle, so that runs ask for the same projects in the same order. */
function shuffled(values, seed = 42) {
  const out = [...values];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Project slugs (shuffled) and (borrowing plan, snapshot) pairs for the read scenarios. */
export async function readInputs(db) {
  return withClient(db.url, async (c) => {
    const slugs = (await c.query('SELECT slug FROM project ORDER BY slug')).rows.map((r) => r.slug);
    const pairs = (
      await c.query(`SELECT b.id AS plan, s.id AS snapshot FROM plan b JOIN snapshot s ON s.project_id = b.project_id
                     WHERE b.snapshot_plan_id IS NOT NULL ORDER BY s.build_id LIMIT 5000`)
    ).rows;
    return { slugs: shuffled(slugs), pairs };
  });
}

/**
 * Fresh PENDING snapshots with UNKNOWN images for the mutation scenarios, each
 * image to be set ACTIVE once (a real transition; the last image of a snapshot
 * makes it ACTIVE). Scenario 4: `many` snapshots of 4 images across all
 * projects, asked in an order that visits a different snapshot each request.
 * Scenario 5: `contended` snapshots of 50 images in one project, asked one
 * snapshot after the other, so that all 50 connections hit one snapshot.
 */
export async function prepareMutations(db, many, contended) {
  return withClient(db.url, async (c) => {
    await c.query('BEGIN');
    await c.query(`
      WITH s AS (
        INSERT INTO snapshot (project_id, status, date_created, build_id)
        SELECT p.id, 4, p.date_created - make_interval(days => 1, secs => k), gen_random_uuid()
        FROM generate_series(1, $1) AS k
        JOIN (SELECT id, date_created, row_number() OVER (ORDER BY slug) - 1 AS n, count(*) OVER () AS total FROM project) p
          ON p.n = k % p.total
        RETURNING id, project_id, date_created)
      INSERT INTO snapshot_image (snapshot_id, plan_id, status, date_created, job_id)
      SELECT s.id, pl.id, 0, s.date_created, gen_random_uuid()
      FROM s JOIN plan pl ON pl.project_id = s.project_id AND pl.snapshot_plan_id IS NULL`, [many]);
    const manyImages = (
      await c.query(`SELECT i.id FROM snapshot_image i JOIN snapshot s ON s.id = i.snapshot_id
                     WHERE s.build_id IS NOT NULL AND s.revision IS NULL AND i.status = 0
                     ORDER BY row_number() OVER (PARTITION BY i.snapshot_id ORDER BY i.id), s.date_created, s.id`)
    ).rows.map((r) => r.id);
    const [{ id: project }] = (
      await c.query(`INSERT INTO project (slug, name) VALUES ('bench-contention', 'Lock contention') RETURNING id`)
    ).rows;
    await c.query(`INSERT INTO plan (project_id, label, date_created)
                   SELECT $1, 'plan-' || n, now() + make_interval(secs => n) FROM generate_series(1, 50) AS n`, [project]);
    await c.query(`
      WITH s AS (
        INSERT INTO snapshot (project_id, status, date_created, build_id)
        SELECT $1, 4, now() + make_interval(secs => k), gen_random_uuid() FROM generate_series(1, $2) AS k
        RETURNING id, date_created)
      INSERT INTO snapshot_image (snapshot_id, plan_id, status, date_created, job_id)
      SELECT s.id, pl.id, 0, s.date_created, gen_random_uuid() FROM s JOIN plan pl ON pl.project_id = $1`, [project, contended]);
    const contendedImages = (
      await c.query(`SELECT i.id FROM snapshot_image i JOIN snapshot s ON s.id = i.snapshot_id
                     WHERE s.project_id = $1 ORDER BY s.date_created, i.id`, [project])
    ).rows.map((r) => r.id);
    await c.query('COMMIT');
    await c.query('ANALYZE snapshot, snapshot_image');
    return { manyImages, contendedImages };
  });
}

/** How many of the images are in each status code. */
export async function statusCounts(db, imageIds) {
  return withClient(db.url, async (c) => {
    const { rows } = await c.query(
      'SELECT status, count(*)::int AS n FROM snapshot_image WHERE id = ANY($1::uuid[]) GROUP BY status',
      [imageIds],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  });
}

/** The PostgreSQL backends serving the bench database now (the servers' pooled connections). */
export async function benchBackends(db) {
  return withClient(db.adminUrl, async (c) =>
    (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [BENCH_DB])).rows.map(
      (r) => r.pid,
    ),
  );
}

/**
 * The CPU the bench database's backends use over a round: `before()` now,
 * then `since(snapshot)` ms used since: the growth of backends still there,
 * and all of those opened since (a pool reconnects after its idle timeout
 * while other servers take their turn). A backend that came and went within
 * the round is missed.
 */
export const backendCpu = {
  async before(db) {
    return new Map((await benchBackends(db)).map((pid) => [pid, cpuMs(pid)]));
  },
  async since(db, before) {
    let sum = 0;
    for (const pid of await benchBackends(db)) {
      const now = cpuMs(pid);
      const then = before.has(pid) ? before.get(pid) : 0;
      if (Number.isFinite(now) && Number.isFinite(then)) sum += now - then;
    }
    return sum;
  },
};
