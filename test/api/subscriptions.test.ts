import { Client } from 'pg';
import type { PostgresChangeFeed } from '../../src/events/postgres-change-feed';
import { LISTEN_APPLICATION_NAME } from '../../src/events/postgres-change-feed';
import { databaseKind } from '../helpers/database';
import { activeSnapshot, createPlan, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { type Subscriber, subscribe } from '../helpers/subscriber';
import { TcpProxy } from '../helpers/tcp-proxy';
import { startTestServer, useServers } from '../helpers/test-server';

const onServer = databaseKind() === 'postgres';
/** Three instances where PostgreSQL carries the events between them; PGlite serves one process only. */
const suite = useServers(onServer ? 3 : 1);
const open: Subscriber[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function listen(server = suite.server, variables: Record<string, unknown> = {}) {
  const subscriber = await subscribe(server, variables);
  open.push(subscriber);
  return subscriber;
}

/** A project with two plans, ready for snapshots. */
async function project() {
  const p = await createProject(suite.server);
  await createPlan(suite.server, p.id);
  await createPlan(suite.server, p.id);
  return p;
}

describe('snapshotChanged', () => {
  it('tells of creation, each image change, the snapshot becoming ACTIVE, and becoming current', async () => {
    const p = await project();
    const subscriber = await listen(suite.server, { project: p.slug });
    // Each event shows the snapshot as it is when delivered, so wait for one before the next change.
    const snapshot = await createSnapshot(suite.server, p.id);
    await subscriber.waitFor(1);
    await setImageStatus(suite.server, snapshot.images[0]!.id, 'ACTIVE');
    await subscriber.waitFor(2);
    await setImageStatus(suite.server, snapshot.images[1]!.id, 'ACTIVE');
    await subscriber.waitFor(3);
    await ok(suite.server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id } }', { p: p.id, s: snapshot.id });

    const received = await subscriber.waitFor(4);
    expect(received.filter((e) => e.errors)).toEqual([]);
    const events = received.map((e) => e.data.snapshotChanged);
    expect(events.map((e) => [e.status, e.isCurrent, e.images.map((i: { status: string }) => i.status).join(',')])).toEqual([
      ['PENDING', false, 'UNKNOWN,UNKNOWN'],
      ['PENDING', false, 'ACTIVE,UNKNOWN'],
      ['ACTIVE', false, 'ACTIVE,ACTIVE'],
      ['ACTIVE', true, 'ACTIVE,ACTIVE'],
    ]);
    expect(events.every((e) => e.id === snapshot.id && e.project.slug === p.slug)).toBe(true);
  });

  it('tells both the old and the new current snapshot when the current one changes', async () => {
    const p = await project();
    const active = async () => (await activeSnapshot(suite.server, p.id)).id;
    const [first, second] = [await active(), await active()];
    const setCurrent = (s: string) =>
      ok(suite.server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id } }', { p: p.slug, s });
    await setCurrent(first);
    const subscriber = await listen(suite.server, { project: p.id });
    await setCurrent(second);
    const events = (await subscriber.waitFor(2)).map((e) => e.data.snapshotChanged);
    expect(events.map((e) => [e.id, e.isCurrent]).sort()).toEqual(
      [
        [first, false],
        [second, true],
      ].sort(),
    );
  });

  it('tells nothing of refused changes, and nothing of other projects', async () => {
    const [mine, other] = [await project(), await project()];
    const subscriber = await listen(suite.server, { project: mine.slug });
    const everything = await listen(suite.server);
    // Step by step, each change heard by `everything` before the next, so the order is fixed.
    const theirs = await createSnapshot(suite.server, other.id);
    await everything.waitFor(1);
    await setImageStatus(suite.server, theirs.images[0]!.id, 'ACTIVE');
    await everything.waitFor(2);
    const snapshot = await createSnapshot(suite.server, mine.id);
    await everything.waitFor(3);
    await setImageStatus(suite.server, snapshot.images[0]!.id, 'FAILED');
    await everything.waitFor(4);
    const refused = await setImageStatus(suite.server, snapshot.images[0]!.id, 'ACTIVE');
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const same = await setImageStatus(suite.server, snapshot.images[0]!.id, 'FAILED');
    expect(same.errors).toBeUndefined();
    // A marker after everything else: once it arrives, nothing before it is still on its way.
    const marker = await createSnapshot(suite.server, mine.id);

    const all = (await everything.waitFor(5)).map((e) => [e.data.snapshotChanged.id, e.data.snapshotChanged.status]);
    expect(all).toEqual([
      [theirs.id, 'PENDING'],
      [theirs.id, 'PENDING'],
      [snapshot.id, 'PENDING'],
      [snapshot.id, 'FAILED'],
      [marker.id, 'PENDING'],
    ]);
    const events = (await subscriber.waitFor(3)).map((e) => [e.data.snapshotChanged.id, e.data.snapshotChanged.status]);
    expect(events).toEqual([
      [snapshot.id, 'PENDING'],
      [snapshot.id, 'FAILED'],
      [marker.id, 'PENDING'],
    ]);
    expect(everything.received).toHaveLength(5);
    expect(subscriber.received).toHaveLength(3);
  });

  it('refuses a project that does not exist with NOT_FOUND', async () => {
    const subscriber = new (await import('../helpers/subscriber')).Subscriber(suite.server.url, 'subscription { snapshotChanged(project: "no-such-project") { id } }');
    open.push(subscriber);
    const [message] = await subscriber.waitFor(1);
    expect(message!.errors?.[0]).toMatchObject({ message: 'No project matches "no-such-project"', extensions: { code: 'NOT_FOUND' } });
  });

  it('stops delivering to a subscriber that has gone', async () => {
    const feed = suite.server.app.services.feed;
    const before = feed.subscriberCount();
    const subscriber = await listen();
    expect(feed.subscriberCount()).toBe(before + 1);
    const metrics = await (await fetch(suite.server.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(new RegExp(`^graphql_subscriptions ${before + 1}$`, 'm'));
    await subscriber.close();
    const deadline = Date.now() + 5_000;
    while (feed.subscriberCount() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(feed.subscriberCount()).toBe(before);
  });
});

(onServer ? describe : describe.skip)('across server instances (PostgreSQL LISTEN/NOTIFY)', () => {
  it('a subscriber on one instance sees changes made through the others within a second', async () => {
    const [a, b, c] = suite.servers as [typeof suite.server, typeof suite.server, typeof suite.server];
    const p = await project();
    const subscriber = await listen(a, { project: p.slug });
    const latencies: number[] = [];
    for (let round = 0; round < 10; round++) {
      // Two events a round: the snapshot's creation, then its first image's change.
      const through = round % 2 ? b : c;
      const snapshot = await createSnapshot(through, p.id);
      const sent = Date.now();
      await setImageStatus(through, snapshot.images[0]!.id, 'ACTIVE');
      const change = (await subscriber.waitFor(2 * round + 2, 1_000))[2 * round + 1]!;
      latencies.push(change.at - sent);
      expect(change.data.snapshotChanged).toMatchObject({ id: snapshot.id, images: [{ status: 'ACTIVE' }, { status: 'UNKNOWN' }] });
    }
    latencies.sort((x, y) => x - y);
    console.log(`event latency across instances, ms: median ${latencies[5]}, max ${latencies[9]} (10 changes)`);
    expect(latencies[9]).toBeLessThan(1_000);
  });

  it('ends the subscriptions of an instance whose LISTEN connection was lost with SERVICE_UNAVAILABLE, then delivers to new ones', async () => {
    const [a, b, c] = suite.servers as [typeof suite.server, typeof suite.server, typeof suite.server];
    const p = await project();
    const onA = await listen(a, { project: p.id });
    const onB = await listen(b);
    const feeds = [a, b, c].map((s) => s.app.services.feed as PostgresChangeFeed);
    expect(feeds.map((f) => f.subscriberCount())).toEqual([1, 1, 0]);
    const admin = new Client({ connectionString: suite.db.url });
    await admin.connect();
    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [LISTEN_APPLICATION_NAME],
    );
    await admin.end();
    expect(killed.rowCount).toBe(3);
    const started = Date.now();
    while (feeds.some((f) => f.isListening) && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 5));
    // A change made during the gap: no instance hears of it, and each of their subscribers is told so.
    await createSnapshot(c, p.id);
    for (const subscriber of [onA, onB]) {
      expect(await subscriber.waitFor(1)).toEqual([
        {
          at: expect.any(Number),
          errors: [
            {
              message: 'This server instance lost its database notifications and may have missed changes; subscribe again and refetch',
              extensions: { code: 'SERVICE_UNAVAILABLE' },
            },
          ],
        },
      ]);
    }
    expect(feeds.map((f) => f.subscriberCount())).toEqual([0, 0, 0]);
    await Promise.all(feeds.map((f) => f.listening));
    console.log(`LISTEN connections back ${Date.now() - started} ms after they were killed`);

    const again = await listen(a, { project: p.id });
    const snapshot = await createSnapshot(b, p.id);
    const [event] = await again.waitFor(1, 2_000);
    expect(event!.data.snapshotChanged.id).toBe(snapshot.id);
    expect(onA.received).toHaveLength(1);
  });

  it('refuses new subscriptions with SERVICE_UNAVAILABLE while the LISTEN connection is down', async () => {
    const proxy = TcpProxy.forUrl(suite.db.url);
    await proxy.start();
    const server = await startTestServer(proxy.url());
    try {
      const feed = server.app.services.feed as PostgresChangeFeed;
      await proxy.stop();
      const started = Date.now();
      while (feed.isListening && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 5));
      const refused = await listen(server);
      expect(await refused.waitFor(1)).toEqual([
        {
          at: expect.any(Number),
          data: undefined,
          errors: [
            expect.objectContaining({
              message: 'This server instance is reconnecting to its database notifications; try again shortly',
              extensions: { code: 'SERVICE_UNAVAILABLE' },
            }),
          ],
        },
      ]);
      expect(feed.subscriberCount()).toBe(0);

      await proxy.start();
      await feed.listening;
      const p = await project();
      const subscriber = await listen(server, { project: p.id });
      const snapshot = await createSnapshot(suite.server, p.id);
      const [event] = await subscriber.waitFor(1, 2_000);
      expect(event!.data.snapshotChanged.id).toBe(snapshot.id);
    } finally {
      await Promise.all(open.splice(0).map((s) => s.close()));
      await server.close();
      await proxy.stop();
    }
  });
});
