/* bench/RESULTS.md: the machine, one table per scale, growth, the baseline, subscriptions, targets. */
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { SCENARIOS } from './scenarios.mjs';
import { ROOT, loadAverage } from './util.mjs';

const fmt = (n, digits = 0) => (n === undefined || n === null || Number.isNaN(n) ? '-' : n.toFixed(digits));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}` : '-');
const ORDER = ['floor', 'postgraphile', 'baseline', 'ours', 'variant'];

export function sortRows(rows) {
  const scenarioOrder = Object.keys(SCENARIOS);
  return [...rows].sort(
    (a, b) => scenarioOrder.indexOf(a.scenario) - scenarioOrder.indexOf(b.scenario) || ORDER.indexOf(a.server) - ORDER.indexOf(b.server),
  );
}

/** The commit that "ours" was built from, and whether the working tree differed from it. */
function gitDescription() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const commit = git('rev-parse', '--short', 'HEAD').stdout.trim() || 'unknown';
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  return `commit ${commit}${dirty ? ' with uncommitted changes in the working tree' : ''}`;
}

export function machine(run, pgVersion, postgraphileNodeVersion) {
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
    `- load average (1 min) at the start and the end of the run: ${run.loadAtStart.toFixed(1)}, ${loadAverage().toFixed(1)}` +
      ' (anything else running on the machine shows here; the tables give it per row)',
  ].join('\n');
}

export function resultsTable(rows) {
  const find = (scenario, server) => rows.find((r) => r.scenario === scenario && r.server === server);
  const lines = [
    '| scenario | server | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | SQL/req | RSS MB | req/s vs floor | req/s vs PostGraphile | load | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const floor = find(r.scenario, 'floor');
    const pgl = find(r.scenario, 'postgraphile');
    lines.push(
      `| ${r.scenario} ${SCENARIOS[r.scenario]} | ${r.server} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ` +
        `${fmt(r.cpuPerRequest, 2)} | ${fmt(r.pgCpuPerRequest, 2)} | ${fmt(r.sqlPerRequest, 2)} | ${fmt(r.rssMb)} | ` +
        `${r.server === 'floor' ? '1.00' : ratio(r.rps, floor?.rps)} | ${r.server === 'postgraphile' ? '1.00' : ratio(r.rps, pgl?.rps)} | ` +
        `${fmt(r.load, 1)} | ${r.errors} |`,
    );
  }
  return lines.join('\n');
}

export function scaleTable(scale1, scale10) {
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
export function baselineTable(rows) {
  const lines = [
    '| scenario | server | req/s baseline | req/s | / baseline | CPU ms/req baseline | CPU ms/req | / baseline | RSS MB baseline | RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows.filter((row) => row.server === 'ours' || row.server === 'variant')) {
    const b = rows.find((row) => row.server === 'baseline' && row.scenario === r.scenario);
    if (!b) continue;
    lines.push(
      `| ${r.scenario} | ${r.server} | ${fmt(b.rps)} | ${fmt(r.rps)} | ${ratio(r.rps, b.rps)} | ${fmt(b.cpuPerRequest, 2)} | ` +
        `${fmt(r.cpuPerRequest, 2)} | ${ratio(r.cpuPerRequest, b.cpuPerRequest)} | ${fmt(b.rssMb)} | ${fmt(r.rssMb)} |`,
    );
  }
  return lines.join('\n');
}

export function subscriptionsTable(result) {
  const lines = [
    '| server | instances | subscribers | changes/s sent | changes | events expected | events received | latency p50 ms | latency p99 ms | mutation p50 ms | mutation p99 ms | RSS MB per instance (peak) | server CPU % per instance | load | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |',
  ];
  for (const r of result.rows) {
    lines.push(
      `| ${r.server} | ${r.instances} | ${r.subscribers} | ${fmt(r.changesPerSecond, 1)} | ${r.changes} | ${r.expected} | ${r.received} | ` +
        `${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.mutationP50, 1)} | ${fmt(r.mutationP99, 1)} | ${r.rssMb.map((x) => fmt(x)).join(', ')} | ` +
        `${r.cpuPercent.map((x) => fmt(x)).join(', ')} | ${fmt(r.load, 1)} | ${r.errors} |`,
    );
  }
  return lines.join('\n');
}

/** Each target of the speed work, met or not, for our server. */
export function targets(scale1, scale10) {
  const get = (rows, s, server = 'ours') => rows.find((r) => r.scenario === s && r.server === server);
  const out = [];
  const check = (label, ok, detail) => out.push(`- ${ok === null ? 'n/a' : ok ? 'met' : 'NOT met'}: ${label} (${detail})`);
  const scales = [[1, scale1], [10, scale10]].filter(([, rows]) => rows.length);
  for (const [scale, rows] of scales) {
    const s1 = get(rows, 's1');
    const p1 = get(rows, 's1', 'postgraphile');
    check(`--scale ${scale}: s1 at least 1.2x PostGraphile's req/s`, s1 && p1 ? s1.rps >= 1.2 * p1.rps : null, `x${ratio(s1?.rps, p1?.rps)}`);
    const s3 = get(rows, 's3');
    const p3 = get(rows, 's3', 'postgraphile');
    check(`--scale ${scale}: s3 at least 1.5x PostGraphile's req/s`, s3 && p3 ? s3.rps >= 1.5 * p3.rps : null, `x${ratio(s3?.rps, p3?.rps)}`);
    check(`--scale ${scale}: s3 server CPU at most 2.0 ms/request`, s3 ? s3.cpuPerRequest <= 2.0 : null, `${fmt(s3?.cpuPerRequest, 2)} ms`);
    check(`--scale ${scale}: s3 p99 at most PostGraphile's`, s3 && p3 ? s3.p99 <= p3.p99 : null, `${fmt(s3?.p99, 1)} ms vs ${fmt(p3?.p99, 1)} ms`);
    const s6 = get(rows, 's6');
    check(`--scale ${scale}: s6 at least s3's req/s`, s6 && s3 ? s6.rps >= s3.rps : null, s6 ? `x${ratio(s6.rps, s3?.rps)}` : 'no s6: Project.currentHistory missing');
    const s7 = get(rows, 's7');
    check(`--scale ${scale}: s7 at least 0.5x s3's req/s`, s7 && s3 ? s7.rps >= 0.5 * s3.rps : null, s7 ? `x${ratio(s7.rps, s3?.rps)}` : 'no s7: Snapshot.keptBecause missing');
    const fast = ['s1', 's2', 's4'].map((s) => get(rows, s)).filter(Boolean);
    check(`--scale ${scale}: p99 under 50 ms for s1, s2, s4`, fast.length ? fast.every((r) => r.p99 < 50) : null,
      fast.map((r) => `${r.scenario} ${fmt(r.p99, 1)} ms`).join(', '));
  }
  const s7at = scales.map(([scale, rows]) => [scale, get(rows, 's7')]).filter(([, r]) => r);
  check('s7 runs a fixed number of SQL statements (whole, and the same at every scale)',
    s7at.length ? s7at.every(([, r]) => Math.abs(r.sqlPerRequest - Math.round(r.sqlPerRequest)) < 0.01 && Math.round(r.sqlPerRequest) === Math.round(s7at[0][1].sqlPerRequest)) : null,
    s7at.length ? s7at.map(([scale, r]) => `--scale ${scale}: ${fmt(r.sqlPerRequest, 2)}`).join(', ') : 'no s7');
  const ours = [...scale1, ...scale10].filter((r) => r.server === 'ours');
  const worst = ours.reduce((w, r) => (r.rssMb > (w?.rssMb ?? -1) ? r : w), null);
  check('RSS under 200 MB in every scenario', ours.length ? worst.rssMb < 200 : null, `peak ${fmt(worst?.rssMb)} MB (${worst?.scenario})`);
  const growth = scale10
    .filter((r) => r.server === 'ours')
    .map((b) => ({ b, a: get(scale1, b.scenario) }))
    .filter(({ a }) => a)
    .map(({ a, b }) => ({ s: a.scenario, g50: b.p50 / a.p50, g99: b.p99 / a.p99 }));
  check('latency growth from --scale 1 to --scale 10 at most 1.2x (p50 and p99), every scenario',
    growth.length ? growth.every((g) => g.g50 <= 1.2 && g.g99 <= 1.2) : null,
    growth.map((g) => `${g.s} p50 x${g.g50.toFixed(2)}, p99 x${g.g99.toFixed(2)}`).join('; '));
  return out.join('\n');
}
