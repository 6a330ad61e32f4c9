import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { databaseKind } from '../helpers/database';

/**
 * The server as a newcomer runs it: its own process, compiled from this tree,
 * on the embedded database under DATA_DIR. Its data survives a stop (SIGTERM)
 * and a kill (SIGKILL); a second process on the same DATA_DIR is refused. It
 * listens on its HTTP port only: the embedded database has none.
 *
 * It needs no database of the suite's, so it runs in the embedded project only.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = 'embedded-process-test-token-0123456789';

interface Running {
  child: ChildProcess;
  url: string;
  /** From spawning the process to its "listening" log line. */
  ms: number;
  /** The server's own measure, in its log line. */
  startMs: number | undefined;
}

const children = new Set<ChildProcess>();

function environment(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'info', API_TOKENS: `admin:${TOKEN}` };
  delete env.NODE_ENV;
  delete env.TEST_DATABASE_URL;
  return env;
}

/** Starts `node <build>/src/index.js`; resolves once it logs the URL it serves. */
function start(build: string, dataDir: string): Promise<Running> {
  const began = performance.now();
  const child = spawn(process.execPath, [path.join(build, 'src', 'index.js')], { env: environment(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line);
          if (typeof entry.url === 'string') resolve({ child, url: entry.url, ms: Math.round(performance.now() - began), startMs: entry.startMs });
        } catch {
          // a line still being written
        }
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening:\n${stderr}\n${stdout}`)));
  });
}

/** Runs `node <build>/src/index.js` to its end; for a start that must fail. */
function runToExit(build: string, dataDir: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const began = performance.now();
  const child = spawn(process.execPath, [path.join(build, 'src', 'index.js')], { env: environment(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdout!.resume();
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve({ code, stderr, ms: Math.round(performance.now() - began) });
    }),
  );
}

function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.once('exit', (code) => resolve(code));
    running.child.kill(signal);
  });
}

async function gql(running: Running, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(running.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/**
 * The TCP ports process `pid` listens on: its sockets (/proc/<pid>/fd) that
 * /proc/net/tcp and tcp6 list in state LISTEN (0A).
 */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9]!)) continue;
      ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

const STATE = `query($slug: String) { project(slug: $slug) { id name plans { label } currentSnapshot { id status isCurrent revision images { status } } snapshots { totalCount } } }`;

const suite = databaseKind() === 'embedded' ? describe : describe.skip;

suite('the embedded server as a process', () => {
  let tmp: string;
  let build: string;
  let dataDir: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-registry-process-'));
    build = path.join(tmp, 'build');
    dataDir = path.join(tmp, 'data');
    // Its own build (./dist is others' to rebuild), with the project's node_modules beside it.
    const tsc = require.resolve('typescript/bin/tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', build], { cwd: ROOT });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'), 'dir');
  }, 300_000);

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps its data across a stop and a restart, refuses a second process on its DATA_DIR, and survives SIGKILL', async () => {
    // First start: a new database is created under DATA_DIR.
    const first = await start(build, dataDir);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    // The embedded database has no port: the only one the process listens on is its HTTP port.
    expect(listeningPorts(first.child.pid!)).toEqual([Number(new URL(first.url).port)]);
    expect(fs.existsSync(path.join(dataDir, 'server.pid'))).toBe(true);

    const { createProject: project } = await gql(first, 'mutation { createProject(slug: "kept", name: "Kept  across restarts ✓") { id } }');
    await gql(first, 'mutation($p: ID!) { createPlan(project: $p, label: "linux") { id } }', { p: project.id });
    const { createSnapshot: snapshot } = await gql(first, 'mutation { createSnapshot(project: "kept", revision: "r1") { id images { id } } }');
    await gql(first, 'mutation($i: ID!) { changeImageStatus(image: $i, status: ACTIVE) { id } }', { i: snapshot.images[0].id });
    await gql(first, 'mutation($s: ID) { setCurrentSnapshot(project: "kept", snapshot: $s) { id } }', { s: snapshot.id });
    const before = await gql(first, STATE, { slug: 'kept' });
    expect(before.project).toEqual({
      id: project.id,
      name: 'Kept  across restarts ✓',
      plans: [{ label: 'linux' }],
      currentSnapshot: { id: snapshot.id, status: 'ACTIVE', isCurrent: true, revision: 'r1', images: [{ status: 'ACTIVE' }] },
      snapshots: { totalCount: 1 },
    });

    // A second process on the same DATA_DIR is refused, with a clear message; the first keeps serving.
    const second = await runToExit(build, dataDir);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`DATA_DIR ${dataDir} is in use`);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(await gql(first, STATE, { slug: 'kept' })).toEqual(before);

    // SIGTERM: a clean stop that releases DATA_DIR.
    expect(await stop(first, 'SIGTERM')).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'server.pid'))).toBe(false);

    // Restart on the same DATA_DIR: everything is there.
    const restarted = await start(build, dataDir);
    expect(await gql(restarted, STATE, { slug: 'kept' })).toEqual(before);
    expect(listeningPorts(restarted.child.pid!)).toEqual([Number(new URL(restarted.url).port)]);
    const { createSnapshot: later } = await gql(restarted, 'mutation { createSnapshot(project: "kept", revision: "r2") { id } }');

    // SIGKILL after a commit: the data is kept, and the pid file left behind does not block the next start.
    expect(await stop(restarted, 'SIGKILL')).toBeNull();
    expect(fs.existsSync(path.join(dataDir, 'server.pid'))).toBe(true);
    const afterKill = await start(build, dataDir);
    const state = await gql(afterKill, 'query { snapshot: snapshots(project: "kept", first: 1) { nodes { id revision } } }');
    expect(state.snapshot.nodes).toEqual([{ id: later.id, revision: 'r2' }]);
    expect((await gql(afterKill, STATE, { slug: 'kept' })).project.currentSnapshot.id).toBe(snapshot.id);
    expect(await stop(afterKill, 'SIGTERM')).toBe(0);

    console.log(
      `embedded server: first start (new DATA_DIR) ${first.ms} ms to listening (server's own measure ${first.startMs} ms); ` +
        `restart ${restarted.ms} ms (${restarted.startMs} ms); start after SIGKILL ${afterKill.ms} ms (${afterKill.startMs} ms); ` +
        `second process refused in ${second.ms} ms`,
    );
  }, 180_000);
});
