/*
 * Our server (the built dist/) started twice with different node flags, asked
 * the dashboard (scenario 3) in turn, 4 rounds of 4 s at 50 connections;
 * prints server CPU ms per request and req/s of each round. Run after
 * `npm run bench`, which leaves the database snapshot_registry_bench seeded.
 *   node bench/node-flags.mjs "" "--max-semi-space-size=64"
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
url.pathname = '/snapshot_registry_bench';
const TOKEN = 'bench-token-0123456789abcdef';
const QUERY = 'query D($slug: String!) { project(slug: $slug) { snapshots(first: 50) { nodes { id status isCurrent images { status plan { label } } } } } }';
const slugs = Array.from({ length: 200 }, (_, i) => `project-${String(i + 1).padStart(5, '0')}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function load(port, duration) {
  const spec = path.join(fs.mkdtempSync('/tmp/node-flags-'), 'spec.json');
  fs.writeFileSync(spec, JSON.stringify({
    url: `http://127.0.0.1:${port}/graphql`,
    method: 'POST',
    connections: 50,
    duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    requests: slugs.map((slug) => ({ body: JSON.stringify({ query: QUERY, variables: { slug } }) })),
  }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(BENCH, 'load.mjs'), spec], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load failed (${code})`))));
  });
}

const variants = process.argv.slice(2);
if (variants.length < 2) throw new Error('give two or more sets of node flags, e.g. "" "--max-semi-space-size=64"');
const servers = variants.map((flags, i) => {
  const port = 5700 + i;
  const child = spawn(process.execPath, [...flags.split(' ').filter(Boolean), 'dist/src/index.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: url.toString(), PORT: String(port), API_TOKENS: `scheduler:${TOKEN}` },
    stdio: 'ignore',
  });
  return { flags: flags || '(none)', port, child, cpu: [], rps: [] };
});
try {
  await sleep(5000);
  for (const s of servers) await load(s.port, 3);
  for (let round = 0; round < 4; round++) {
    for (const s of servers) {
      const before = cpuMs(s.child.pid);
      const result = await load(s.port, 4);
      s.cpu.push((cpuMs(s.child.pid) - before) / result.requests);
      s.rps.push(result.rps);
    }
  }
  for (const s of servers) {
    const peak = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${s.child.pid}/status`, 'utf8'))[1]) / 1024;
    console.log(`${s.flags}: CPU ms/request ${s.cpu.map((x) => x.toFixed(2)).join(' ')}; req/s ${s.rps.map((x) => x.toFixed(0)).join(' ')}; peak RSS ${peak.toFixed(0)} MB`);
  }
} finally {
  for (const s of servers) s.child.kill('SIGTERM');
}
