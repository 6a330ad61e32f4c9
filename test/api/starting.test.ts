import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { migrations } from '../../src/database/migrations';
import { databaseKind } from '../helpers/database';

/**
 * Starting from a checkout, as a newcomer does: `npm start` runs what `npm run
 * build` (or `npm install`) built and never builds itself, says so when the
 * build is missing or older than the sources, and several started at once all
 * come up. A database it cannot use is one line naming the setting, and exit 1.
 *
 * The checkout is a copy of this one's sources in a directory of its own (this
 * one's dist/ is others' to build), with this one's node_modules. It needs no
 * database of the suite's, so it runs in the embedded project only.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = 'starting-test-token-0123456789';
const PASSWORD = 'not-to-be-shown-7f3a';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();
let checkout: string;
let tmp: string;

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', LOG_LEVEL: 'info', API_TOKENS: `admin:${TOKEN}`, ...extra };
  delete env.NODE_ENV;
  delete env.TEST_DATABASE_URL;
  for (const name of Object.keys(env)) if (name.startsWith('npm_')) delete env[name];
  return env;
}

function run(command: string, args: string[], extra: Record<string, string> = {}): Promise<Exit> {
  const child = spawn(command, args, { cwd: checkout, env: environment(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** What a command said on stderr, without npm's own notices (this machine's npm config may warn). */
const said = (exit: Exit): string[] => exit.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm '));

/**
 * `npm start` in a process group of its own, as in a terminal, until it logs
 * the URL it serves. (npm runs the script through sh, which does not pass
 * signals on: a signal for the server goes to the group, as Ctrl-C does.)
 */
function npmStart(dataDir: string): Promise<{ child: ChildProcess; url: string; exit: Promise<Exit> }> {
  const child = spawn('npm', ['start'], { cwd: checkout, env: environment({ DATA_DIR: dataDir }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<Exit>((resolve) =>
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /"url":"(http:[^"]+)"/.exec(stdout);
      if (match) resolve({ child, url: match[1]!, exit });
    });
    void exit.then((e) => reject(new Error(`npm start exited (${e.code}) before listening:\n${e.stderr}\n${e.stdout}`)));
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const suite = databaseKind() === 'embedded' ? describe : describe.skip;

suite('starting from a checkout', () => {
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-registry-starting-'));
    checkout = path.join(tmp, 'checkout');
    fs.mkdirSync(checkout);
    for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'ormconfig.ts', 'scripts', 'src']) {
      fs.cpSync(path.join(ROOT, entry), path.join(checkout, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
  });

  afterAll(() => {
    for (const child of children) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('without a build, npm start says to run npm run build, and exits 1', async () => {
    const exit = await run('npm', ['start']);
    expect(exit.code).toBe(1);
    expect(said(exit)).toEqual(['snapshot-registry: dist/ has no build; run `npm run build` (`npm install` builds it too)']);
  });

  it('npm run build builds dist/ beside it and then puts it in place', async () => {
    const exit = await run('npm', ['run', 'build']);
    expect(exit.code).toBe(0);
    expect(said(exit)).toEqual([expect.stringMatching(/^build: dist\/ built in \d+\.\d s$/)]);
    expect(fs.readdirSync(checkout).filter((name) => name.startsWith('dist')).sort()).toEqual(['dist']);
    expect(fs.existsSync(path.join(checkout, 'dist', 'src', 'index.js'))).toBe(true);
    const record = JSON.parse(fs.readFileSync(path.join(checkout, 'dist', 'build-info.json'), 'utf8')) as { sources: Record<string, string> };
    expect(Object.keys(record.sources)).toContain('src/index.ts');
  }, 300_000);

  it('npm run migrate says which migrations it applied', async () => {
    const env = { DATA_DIR: path.join(tmp, 'data-migrate') };
    const names = migrations.map((m) => m.name);
    const first = await run('npm', ['run', 'migrate'], env);
    expect({ code: first.code, said: said(first) }).toEqual({ code: 0, said: [] });
    expect(first.stdout).toContain(`migrations: applied ${names.length}: ${names.join(', ')} (${names.length} in all)\n`);
    const again = await run('npm', ['run', 'migrate'], env);
    expect(again.stdout).toContain(`migrations: none pending (${names.length} applied before)\n`);
  }, 120_000);

  it('three npm start at once from one checkout all come up, and write nothing into dist/', async () => {
    const before = spawnSync('find', ['dist', '-printf', '%p %s %T@\\n'], { cwd: checkout, encoding: 'utf8' }).stdout;
    const began = performance.now();
    const servers = await Promise.all([1, 2, 3].map((n) => npmStart(path.join(tmp, `data-${n}`))));
    const ms = Math.round(performance.now() - began);
    for (const server of servers) {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ query: '{ projects { slug } }' }),
      });
      expect(await res.json()).toEqual({ data: { projects: [] } });
    }
    expect(new Set(servers.map((s) => s.url)).size).toBe(3);
    for (const server of servers) process.kill(-server.child.pid!, 'SIGINT');
    for (const server of servers) expect((await server.exit).stdout).toMatch(/"msg":"stopped"/);
    expect(spawnSync('find', ['dist', '-printf', '%p %s %T@\\n'], { cwd: checkout, encoding: 'utf8' }).stdout).toBe(before);
    console.log(`starting: three npm start at once, all listening after ${ms} ms`);
  }, 180_000);

  it('on HOST=0.0.0.0, the log points at http://localhost:PORT, where it answers', async () => {
    const child = spawn(process.execPath, ['dist/src/index.js'], {
      cwd: checkout,
      env: environment({ HOST: '0.0.0.0', DATA_DIR: path.join(tmp, 'data-everywhere') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    const entry = await new Promise<Record<string, unknown>>((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        const line = stdout.split('\n').find((l) => l.includes('"url"'));
        if (line) resolve(JSON.parse(line) as Record<string, unknown>);
      });
      void exit.then((code) => reject(new Error(`exited (${code}) before listening: ${stdout}`)));
    });
    try {
      expect(entry.url).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
      expect(entry.msg).toBe(`snapshot-registry listening on ${entry.url} (and on every address of this machine, HOST=0.0.0.0)`);
      const health = await fetch(String(entry.url).replace('/graphql', '/healthz'));
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      children.delete(child);
    }
  }, 120_000);

  it('with a source changed since the build, npm start and npm run migrate name it and say to run npm run build', async () => {
    const file = path.join(checkout, 'src', 'logger.ts');
    const original = fs.readFileSync(file, 'utf8');
    fs.appendFileSync(file, '// changed\n');
    fs.writeFileSync(path.join(checkout, 'src', 'added.ts'), 'export {};\n');
    try {
      for (const script of [['start'], ['run', 'migrate']]) {
        const exit = await run('npm', script, { DATA_DIR: path.join(tmp, 'data-stale') });
        expect(exit.code).toBe(1);
        expect(said(exit)).toEqual([
          'snapshot-registry: dist/ is older than the sources (src/added.ts is new, src/logger.ts changed); run `npm run build`',
        ]);
      }
    } finally {
      fs.writeFileSync(file, original);
      fs.rmSync(path.join(checkout, 'src', 'added.ts'));
    }
  });

  it('a DATABASE_URL it cannot reach: one line naming it, no password, exit 1 (start, migrate, seed)', async () => {
    const port = await closedPort();
    const databaseUrl = `postgres://app:${PASSWORD}@127.0.0.1:${port}/registry`;
    const line = `DATABASE_URL: cannot connect to 127.0.0.1:${port}: connection refused (is PostgreSQL running there, on that port?)`;
    const cases: [string[], string][] = [
      [['start'], `snapshot-registry: ${line}`],
      [['run', 'migrate'], `snapshot-registry: ${line}`],
      [['run', 'seed'], `seed: ${line}`],
    ];
    for (const [script, expected] of cases) {
      const exit = await run('npm', script, { DATABASE_URL: databaseUrl });
      expect({ script, code: exit.code, said: said(exit) }).toEqual({ script, code: 1, said: [expected] });
      expect(exit.stdout + exit.stderr).not.toContain(PASSWORD);
    }
  }, 60_000);

  it('a DATA_DIR that is a file: one line naming it, exit 1', async () => {
    const file = path.join(tmp, 'not-a-directory');
    fs.writeFileSync(file, '');
    const exit = await run(process.execPath, ['dist/src/index.js'], { DATA_DIR: file });
    expect(exit.code).toBe(1);
    expect(said(exit)).toEqual([`snapshot-registry: DATA_DIR ${file}: it is not a directory`]);
  });

  /** A read-only mount needs root and a mount namespace of the child's own (unshare -m), so that nothing else sees it. */
  const canMount = process.geteuid?.() === 0 && spawnSync('unshare', ['-m', 'mount', '-t', 'tmpfs', 'tmpfs', os.tmpdir()]).status === 0;
  (canMount ? it : it.skip)('a DATA_DIR on a read-only mount says so, for the directory and for one it must create (needs root and unshare)', async () => {
    const mountPoint = path.join(tmp, 'read-only');
    fs.mkdirSync(mountPoint);
    for (const [dataDir, expected] of [
      [mountPoint, `snapshot-registry: DATA_DIR ${mountPoint}: cannot write there: read-only file system`],
      [path.join(mountPoint, 'data'), `snapshot-registry: DATA_DIR ${path.join(mountPoint, 'data')}: cannot create it: read-only file system`],
    ]) {
      const script = 'mount -t tmpfs -o ro tmpfs "$1" && shift && exec "$@"';
      const exit = await run('unshare', ['-m', 'sh', '-c', script, 'sh', mountPoint, process.execPath, 'dist/src/index.js'], { DATA_DIR: dataDir! });
      expect({ code: exit.code, said: said(exit) }).toEqual({ code: 1, said: [expected] });
    }
  });
});
