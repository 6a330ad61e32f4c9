import { Client } from 'pg';
import { databaseKind } from '../helpers/database';
import { createProject } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { TcpProxy } from '../helpers/tcp-proxy';
import { startTestServer, type TestServer, useServers } from '../helpers/test-server';

/**
 * The database goes away under a running server, and comes back. Requests
 * must fail fast with SERVICE_UNAVAILABLE meanwhile, /readyz must say 503, the
 * process must not crash (a dropped idle connection raises the pool's
 * 'error' event), and the server must recover by itself.
 */
const suite = useServers(0);

const READ = '{ projects { id slug } }';
const base = (server: TestServer) => server.url.replace(/\/graphql$/, '');
const readyz = async (server: TestServer) => (await fetch(`${base(server)}/readyz`)).status;

/** Polls until `check` holds; returns how long it took. */
async function until(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

describe('the database goes away and comes back (a TCP relay between server and database is cut, then restored)', () => {
  let proxy: ReturnType<typeof TcpProxy.forUrl>;
  let server: TestServer;

  beforeAll(async () => {
    proxy = TcpProxy.forUrl(suite.db.url);
    await proxy.start();
    server = await startTestServer(proxy.url());
    await createProject(server);
  });
  afterAll(async () => {
    await proxy.start().catch(() => undefined);
    await server?.close();
    await proxy.stop();
  });

  it('fails fast with SERVICE_UNAVAILABLE and /readyz 503 while it is gone, and recovers by itself', async () => {
    expect(await readyz(server)).toBe(200);
    // Someone (TypeORM) handles the pool's 'error' events; without a handler a dropped idle connection kills the process.
    expect((server.app.database.dataSource.driver as any).master.listenerCount('error')).toBeGreaterThan(0);
    await proxy.stop();

    const started = Date.now();
    const res = await server.gql(READ);
    const failMs = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.errors).toEqual([
      { message: 'The database is unavailable; try again shortly', locations: expect.any(Array), path: ['projects'], extensions: { code: 'SERVICE_UNAVAILABLE' } },
    ]);
    expect(failMs).toBeLessThan(2_000);
    // Readiness is cached for a second; it turns 503 within about that.
    const notReadyMs = await until(async () => (await readyz(server)) === 503, 3_000);
    expect((await fetch(`${base(server)}/healthz`)).status).toBe(200);

    await proxy.start();
    const back = Date.now();
    await until(async () => (await readyz(server)) === 200, 10_000);
    const readyMs = Date.now() - back;
    const data = await ok(server, READ);
    expect(data.projects.length).toBeGreaterThan(0);
    console.log(
      `${databaseKind()}: database cut: first request failed in ${failMs} ms; /readyz 503 after ${notReadyMs} ms; ` +
        `database back: /readyz 200 again after ${readyMs} ms, queries served`,
    );
    // Nothing was masked as an internal error.
    expect(server.logged.filter((l) => l.msg === 'unexpected error')).toEqual([]);
  });
});

describe('PostgreSQL ends the server\'s connections (pg_terminate_backend)', () => {
  const onServer = databaseKind() === 'postgres' ? it : it.skip;
  if (databaseKind() === 'embedded') {
    console.log('SKIPPED on the embedded database: pg_terminate_backend (PGlite has one backend for all connections); the TCP-relay test covers outages there');
  }

  onServer('the server keeps running, answers SERVICE_UNAVAILABLE or data, and is fully back within seconds', async () => {
    const server = await startTestServer(suite.db.url);
    const admin = new Client({ connectionString: suite.db.url });
    await admin.connect();
    try {
      await createProject(server);
      // Five pooled connections, idle now.
      const dataSource = server.app.database.dataSource;
      await Promise.all(Array.from({ length: 5 }, () => dataSource.query('SELECT pg_sleep(0.05)')));
      const pool = (dataSource.driver as any).master;
      expect(pool.totalCount).toBe(5);
      const { rows } = await admin.query(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
         WHERE application_name = 'snapshot-registry' AND datname = current_database() AND pid <> pg_backend_pid()`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(5);
      const killed = Date.now();
      // The idle connections' 'error' events remove them from the pool, and crash nothing.
      await until(async () => pool.totalCount === 0, 2_000);
      const outcomes: string[] = [];
      const recoveredMs = await until(async () => {
        const res = await server.gql(READ);
        outcomes.push(res.errors?.[0]?.extensions?.code ?? 'ok');
        return !res.errors;
      }, 10_000);
      expect(outcomes.every((o) => o === 'ok' || o === 'SERVICE_UNAVAILABLE')).toBe(true);
      expect(await readyz(server)).toBe(200);
      // Every pooled connection works again.
      const again = await Promise.all(Array.from({ length: 10 }, () => server.gql(READ)));
      expect(again.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok')).toEqual(Array(10).fill('ok'));
      console.log(
        `postgres: ${rows.length} connections terminated; served again after ${recoveredMs} ms ` +
          `(${Date.now() - killed} ms with the checks); outcomes in between: ${outcomes.join(', ')}`,
      );
    } finally {
      await admin.end();
      await server.close();
    }
  });
});
