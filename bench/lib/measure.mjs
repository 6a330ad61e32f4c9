/*
 * Timed rounds: bench/load.mjs in its own process against one server at a
 * time, the servers of a scenario taken in turn (A, B, A, B...), then a
 * counted pass for SQL statements per request.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { backendCpu } from './database.mjs';
import { requestsFor, takes } from './scenarios.mjs';
import { startServer } from './servers.mjs';
import { BENCH, ROOT, cpuMs, loadAverage, median, rssMb, sleep } from './util.mjs';

/** Runs bench/load.mjs in its own process; its one line of JSON. */
async function load(run, server, work, { duration, amount, connections, offset }) {
  const spec = path.join(run.logs, `spec-${server.name}.json`);
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
 * One scenario on several servers, their rounds interleaved so that a change
 * in the machine's load during the run touches all alike. One row per server:
 * medians of the rounds.
 */
export async function measureTogether({ options, run, db }, servers, scenario, inputs) {
  const states = servers.map((server, k) => ({
    server,
    work: requestsFor(scenario, server, inputs, { k, n: servers.length }),
    offset: 0,
    rounds: [],
    peakRss: 0,
  }));
  const connections = options.connections;
  for (const st of states) {
    st.offset = (await load(run, st.server, st.work, { duration: options.warmup, connections, offset: st.offset })).next;
  }
  for (let r = 0; r < options.rounds; r++) {
    for (const st of states) {
      const sampler = setInterval(() => (st.peakRss = Math.max(st.peakRss, rssMb(st.server.pid))), 250);
      try {
        const pgBefore = await backendCpu.before(db);
        const cpuBefore = cpuMs(st.server.pid);
        const result = await load(run, st.server, st.work, { duration: options.duration, connections, offset: st.offset });
        result.cpuPerRequest = (cpuMs(st.server.pid) - cpuBefore) / result.requests;
        result.pgCpuPerRequest = (await backendCpu.since(db, pgBefore)) / result.requests;
        result.load = loadAverage();
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
    const counted = await load(run, server, work, { amount: options.counted, connections: 10, offset });
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
      load: median(rounds.map((r) => r.load)),
      errors: rounds.reduce((n, r) => n + r.errors + r.timeouts, 0) + counted.errors,
      requests: rounds.reduce((n, r) => n + r.requests, 0),
      rounds: rounds.map((r) => Math.round(r.rps)),
    };
    run.say(`  ${scenario} ${server.name}: ${row.rps.toFixed(0)} req/s (rounds ${row.rounds.join(', ')}), p50 ${row.p50} ms, ` +
      `p99 ${row.p99} ms, CPU ${row.cpuPerRequest.toFixed(2)} ms/request (PostgreSQL ${row.pgCpuPerRequest.toFixed(2)}), ` +
      `${row.sqlPerRequest.toFixed(2)} SQL/request, RSS ${row.rssMb.toFixed(0)} MB, load ${row.load.toFixed(1)}, errors ${row.errors}`);
    rows.push(row);
  }
  return rows;
}

/**
 * Starts the servers of `plan` (server name -> scenarios), measures each
 * scenario on those that take it, stops them.
 */
export async function runPhase(bench, scale, kinds, plan, inputs) {
  const names = Object.keys(plan).filter((name) => kinds[name] && plan[name].length);
  const scenarios = bench.options.scenarios.filter((s) => names.some((name) => plan[name].includes(s)));
  const servers = {};
  const rows = [];
  try {
    for (const name of names) {
      bench.run.say(`${name} at --scale ${scale}: starting`);
      servers[name] = await startServer(kinds[name], { url: bench.db.url, logs: bench.run.logs });
    }
    for (const scenario of scenarios) {
      const taking = names.filter((name) => plan[name].includes(scenario) && takes(servers[name], scenario)).map((name) => servers[name]);
      const missing = names.filter((name) => plan[name].includes(scenario) && !takes(servers[name], scenario));
      if (missing.length) bench.run.say(`  ${scenario}: ${missing.join(', ')} lack its fields; left out`);
      if (taking.length) rows.push(...(await measureTogether(bench, taking, scenario, inputs)));
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop();
  }
  return rows;
}
