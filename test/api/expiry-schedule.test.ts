import { EXPIRY_LOCK } from '../../src/retention/expiry.service';
import { databaseKind } from '../helpers/database';
import { createSnapshot } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { KEEP_NOTHING, retentionProject } from '../helpers/retention';
import { withSql } from '../helpers/sql';
import { type TestServer, useServers } from '../helpers/test-server';

/**
 * The periodic expiry: three instances, each running it every second (in
 * turn: an instance that finds another one running skips its turn), each
 * logging the ids of what it expired.
 */
const suite = useServers(3, { RETENTION_INTERVAL_S: '1', LOG_LEVEL: 'info' });

const SNAPSHOTS = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The ids each instance logged as expired, in the order of its log lines. */
const loggedExpired = (server: TestServer): string[] =>
  server.logged.filter((line) => typeof line.msg === 'string' && line.msg.startsWith('expiry: expired')).flatMap((line) => line.expired as string[]);

async function expiredCount(project: string): Promise<number> {
  return (await ok<{ snapshots: { totalCount: number } }>(suite.server, 'query($p: ID!) { snapshots(project: $p, state: EXPIRED) { totalCount } }', { p: project })).snapshots.totalCount;
}

async function waitForExpired(project: string, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await expiredCount(project)) < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} expired snapshots, got ${await expiredCount(project)}`);
    await sleep(200);
  }
}

describe('the periodic expiry on three instances', () => {
  it(`expires each of ${SNAPSHOTS} snapshots once, and the instance that expired it logs its id`, async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const ids: string[] = [];
    for (let i = 0; i < SNAPSHOTS; i++) ids.push((await createSnapshot(suite.servers[i % 3]!, p.id)).id);
    await waitForExpired(p.id, SNAPSHOTS);
    // A run or two more on every instance: nothing is expired twice.
    await sleep(2500);
    const perInstance = suite.servers.map((s) => loggedExpired(s).filter((id) => ids.includes(id)));
    const all = perInstance.flat();
    console.log(
      `periodic expiry (${databaseKind()}): ${SNAPSHOTS} snapshots expired once each; by instance ${JSON.stringify(perInstance.map((l) => l.length))}; ` +
        `log lines ${JSON.stringify(suite.servers.map((s) => s.logged.filter((l) => String(l.msg).startsWith('expiry: expired')).length))}`,
    );
    expect([...all].sort()).toEqual([...ids].sort());
    expect(await expiredCount(p.id)).toBe(SNAPSHOTS);
    for (const server of suite.servers) expect(server.logged.filter((l) => l.msg === 'expiry: run failed')).toEqual([]);
  });

  const onServer = databaseKind() === 'postgres' ? it : it.skip;
  if (databaseKind() === 'embedded') console.log('SKIPPED on the embedded database: the lock between instances (PGlite has one backend for all connections, and one process owns it)');

  onServer('waits while another instance holds the expiry lock', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    await withSql(suite.db.url, async (c) => {
      await c.query('SELECT pg_advisory_lock($1)', [EXPIRY_LOCK]);
      await createSnapshot(suite.server, p.id);
      await sleep(3000);
      expect(await expiredCount(p.id)).toBe(0);
      await c.query('SELECT pg_advisory_unlock($1)', [EXPIRY_LOCK]);
    });
    await waitForExpired(p.id, 1);
  });
});
