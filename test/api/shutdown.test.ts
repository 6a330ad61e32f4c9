import { Client } from 'pg';
import { databaseKind } from '../helpers/database';
import { createPlan, createProject, createSnapshot } from '../helpers/factories';
import { startTestServer, TOKENS, useServers } from '../helpers/test-server';

/**
 * Stopping (what SIGTERM does: App.close) with a request in flight. The
 * request is held in flight by a test client that locks the row it changes.
 */
const suite = useServers(0);

const CHANGE = 'mutation($s: ID!) { changeSnapshotStatus(snapshot: $s, status: FAILED) { id status } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setUp(env: Record<string, string> = {}) {
  const server = await startTestServer(suite.db.url, env);
  const project = await createProject(server);
  await createPlan(server, project.id);
  const snapshot = await createSnapshot(server, project.id);
  const locker = new Client({ connectionString: suite.db.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('SELECT id FROM snapshot WHERE id = $1 FOR UPDATE', [snapshot.id]);
  const inFlight = server.gql<{ changeSnapshotStatus: unknown }>(CHANGE, { s: snapshot.id });
  await sleep(300); // the mutation now waits for the lock
  return { server, snapshot, locker, inFlight };
}

const statusOf = async (client: Client, id: string): Promise<number> =>
  (await client.query<{ status: number }>('SELECT status FROM snapshot WHERE id = $1', [id])).rows[0]!.status;

describe('stopping with a request in flight', () => {
  it('refuses new connections at once, lets the request finish, then closes the pool', async () => {
    const { server, snapshot, locker, inFlight } = await setUp();
    try {
      const stopStarted = Date.now();
      let stoppedAt = 0;
      const stopped = server.close().then(() => (stoppedAt = Date.now()));
      await sleep(100);
      await expect(
        fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.admin}` }, body: '{"query":"{ projects { id } }"}' }),
      ).rejects.toThrow();
      expect(stoppedAt).toBe(0);
      await sleep(400);
      await locker.query('COMMIT');
      const res = await inFlight;
      expect(res.errors).toBeUndefined();
      expect(res.data!.changeSnapshotStatus).toEqual({ id: snapshot.id, status: 'FAILED' });
      await stopped;
      expect(server.app.database.dataSource.isInitialized).toBe(false);
      expect(await statusOf(locker, snapshot.id)).toBe(2); // FAILED
      console.log(`${databaseKind()}: stop with one request in flight: the request finished, the stop took ${stoppedAt - stopStarted} ms (the lock was released 500 ms after it began)`);
    } finally {
      await locker.end();
    }
  });

  it('cuts requests still running after SHUTDOWN_GRACE_MS; what they wrote is all or nothing', async () => {
    const { server, snapshot, locker, inFlight } = await setUp({ SHUTDOWN_GRACE_MS: '300' });
    try {
      const stopStarted = Date.now();
      const stopped = server.close();
      await expect(inFlight).rejects.toThrow(); // the connection was cut at the end of the grace period
      const cutMs = Date.now() - stopStarted;
      expect(cutMs).toBeGreaterThanOrEqual(250);
      expect(cutMs).toBeLessThan(2_000);
      await sleep(200);
      await locker.query('COMMIT');
      await stopped; // the pool closes once the cut request's transaction is over
      const status = await statusOf(locker, snapshot.id);
      expect([4, 2]).toContain(status); // PENDING (rolled back) or FAILED (committed): never half-done
      console.log(`${databaseKind()}: grace 300 ms: the held request was cut after ${cutMs} ms; the stop ended ${Date.now() - stopStarted} ms after it began; snapshot status ${status}`);
    } finally {
      await locker.end();
    }
  });
});
