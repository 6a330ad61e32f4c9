/*
 * Subscriptions at scale: several instances of our server on one PostgreSQL
 * database, many subscribers spread over them (bench/subscribers.mjs), and a
 * steady stream of changes through the instances in turn, so that every
 * event crosses the LISTEN/NOTIFY path. Reports event latency, events lost,
 * and each instance's peak RSS and CPU.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { withClient } from './database.mjs';
import { startServer } from './servers.mjs';
import { BENCH, ROOT, cpuMs, loadAverage, rssMb } from './util.mjs';

export const SUBSCRIPTION_LOAD = { instances: 3, subscribers: 1000, projects: 50, rate: 50, seconds: 20, settleMs: 10_000 };

/**
 * One fresh PENDING snapshot with one UNKNOWN image for each change, in the
 * first `projects` projects (by slug), taken one project after the other.
 */
async function prepareChanges(db, projects, changes) {
  return withClient(db.url, async (c) => {
    const { rows } = await c.query(
      `WITH p AS (
         SELECT id, slug, row_number() OVER (ORDER BY slug) - 1 AS n FROM project
         WHERE slug NOT LIKE 'bench-%' ORDER BY slug LIMIT $1),
       s AS (
         INSERT INTO snapshot (project_id, status, date_created, revision)
         SELECT p.id, 4, now() - make_interval(days => 400, secs => k), 'bench-subscriptions'
         FROM generate_series(0, $2 - 1) AS k JOIN p ON p.n = k % $1
         RETURNING id, project_id, date_created),
       i AS (
         INSERT INTO snapshot_image (snapshot_id, plan_id, status, date_created)
         SELECT s.id, (SELECT pl.id FROM plan pl WHERE pl.project_id = s.project_id AND pl.snapshot_plan_id IS NULL
                       ORDER BY pl.date_created, pl.id LIMIT 1), 0, s.date_created
         FROM s
         RETURNING id, snapshot_id)
       SELECT i.id AS image, s.id AS snapshot, p.slug AS project, s.date_created
       FROM i JOIN s ON s.id = i.snapshot_id JOIN p ON p.id = s.project_id
       ORDER BY s.date_created DESC`,
      [projects, changes],
    );
    return rows.map(({ image, snapshot, project }) => ({ image, snapshot, project }));
  });
}

export async function measureSubscriptions(bench, kind, load = SUBSCRIPTION_LOAD) {
  const { run, db, options } = bench;
  const changes = await prepareChanges(db, load.projects, load.rate * load.seconds);
  const servers = [];
  try {
    for (let i = 0; i < load.instances; i++) {
      run.say(`${kind.name} instance ${i + 1} of ${load.instances} for subscriptions: starting`);
      servers.push(await startServer(kind, { url: db.url, logs: run.logs, name: `${kind.name}-subscriptions-${i + 1}` }));
    }
    const spec = path.join(run.logs, 'spec-subscriptions.json');
    fs.writeFileSync(spec, JSON.stringify({
      instances: servers.map((s) => s.url),
      token: options.token,
      subscribers: load.subscribers,
      projects: [...new Set(changes.map((c) => c.project))],
      changes,
      rate: load.rate,
      settleMs: load.settleMs,
    }));
    const peak = servers.map(() => 0);
    const sampler = setInterval(() => servers.forEach((s, i) => (peak[i] = Math.max(peak[i], rssMb(s.pid)))), 250);
    const cpuBefore = servers.map((s) => cpuMs(s.pid));
    const started = Date.now();
    let result;
    try {
      const child = spawn(process.execPath, [path.join(BENCH, 'subscribers.mjs'), spec], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      if (code !== 0) throw new Error(`bench/subscribers.mjs failed (exit ${code})`);
      result = JSON.parse(out.trim().split('\n').pop());
    } finally {
      clearInterval(sampler);
    }
    const wall = Date.now() - started;
    const row = {
      server: kind.name,
      instances: load.instances,
      subscribers: load.subscribers,
      changesPerSecond: result.changes / result.seconds,
      changes: result.changes,
      expected: result.expected,
      received: result.received,
      p50: result.p50,
      p99: result.p99,
      mutationP50: result.mutationP50,
      mutationP99: result.mutationP99,
      errors: result.errors,
      rssMb: peak,
      // Over the whole run: connecting the subscribers, the changes, and settling.
      cpuPercent: servers.map((s, i) => (100 * (cpuMs(s.pid) - cpuBefore[i])) / wall),
      load: loadAverage(),
    };
    run.say(`  subscriptions ${kind.name}: ${row.received} of ${row.expected} events, p50 ${row.p50?.toFixed(1)} ms, ` +
      `p99 ${row.p99?.toFixed(1)} ms (mutations p50 ${row.mutationP50?.toFixed(1)}, p99 ${row.mutationP99?.toFixed(1)} ms), RSS ${peak.map((x) => x.toFixed(0)).join('/')} MB, errors ${row.errors}`);
    return { rows: [row], load, scale: bench.lastScale };
  } finally {
    for (const s of servers) await s.stop();
  }
}
