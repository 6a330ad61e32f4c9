import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CHANNEL } from '../../src/events/postgres-change-feed';
import type { SnapshotChange } from '../../src/events/snapshot-change';
import { databaseKind } from '../helpers/database';
import { createPlan, createProject, createSnapshot } from '../helpers/factories';
import { type Received, type Subscriber, subscribe } from '../helpers/subscriber';
import { useServers } from '../helpers/test-server';

const onServer = databaseKind() === 'postgres';
/** What a snapshotChanged event carries that these tests read. */
interface Changed {
  snapshotChanged: { id: string };
}
/** Small bounds, so that reaching them takes a few subscriptions and changes. */
const suite = useServers(1, { MAX_SUBSCRIPTIONS: '3', MAX_SUBSCRIPTION_QUEUE: '2' });
const open: Subscriber[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await subscriptionsDownTo(0);
});

async function listen(variables: Record<string, unknown> = {}) {
  const subscriber = await subscribe(suite.server, variables);
  open.push(subscriber);
  return subscriber;
}

async function subscriptionsDownTo(count: number) {
  const feed = suite.server.app.services.feed;
  const deadline = Date.now() + 5_000;
  while (feed.subscriberCount() > count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(feed.subscriberCount()).toBe(count);
  const metrics = await (await fetch(suite.server.url.replace(/graphql$/, 'metrics'))).text();
  expect(metrics).toMatch(new RegExp(`^graphql_subscriptions ${count}$`, 'm'));
}

/** Tells `changes` to this instance's subscribers as the feed would: NOTIFY on PostgreSQL, in process on PGlite. */
async function tell(changes: SnapshotChange[]) {
  const feed = suite.server.app.services.feed;
  if (!onServer) return feed.committed(changes);
  await notify(JSON.stringify(changes.map((c) => [c.snapshotId, c.projectId])));
}

async function notify(payload: string) {
  const admin = new Client({ connectionString: suite.db.url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
  } finally {
    await admin.end();
  }
}

async function project() {
  const p = await createProject(suite.server);
  await createPlan(suite.server, p.id);
  return p;
}

/** The one message of a subscription the server ended: an error, and nothing after it. */
function endedWith(received: Received[], message: string, code: string) {
  expect(received).toEqual([{ at: expect.any(Number) as unknown, errors: [{ message, extensions: { code } }] }]);
}

describe('bounds on subscriptions', () => {
  it('refuses a subscription past MAX_SUBSCRIPTIONS with SERVICE_UNAVAILABLE, and takes one again when one ends', async () => {
    const held = [await listen(), await listen(), await listen()];
    const refused = await listen();
    const [message] = await refused.waitFor(1);
    expect(message!.errors).toEqual([
      expect.objectContaining({
        message: 'This server instance serves its most subscriptions (3); try again later',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      }),
    ]);
    expect(suite.server.app.services.feed.subscriberCount()).toBe(3);

    await held[0]!.close();
    await subscriptionsDownTo(2);
    const p = await project();
    const again = await listen({ project: p.id });
    const snapshot = await createSnapshot(suite.server, p.id);
    const [event] = await again.waitFor(1);
    expect((event!.data as Changed).snapshotChanged.id).toBe(snapshot.id);
  });

  it('ends a subscription whose queue overflows with SERVICE_UNAVAILABLE, and leaves the others be', async () => {
    const p = await project();
    const slow = await listen();
    const other = await listen({ project: p.id });
    // One burst of four snapshots (none of them exists, so nothing is read): one is taken at once,
    // two wait, the fourth overflows a queue of two.
    const projectId = randomUUID();
    await tell([1, 2, 3, 4].map(() => ({ snapshotId: randomUUID(), projectId })));
    endedWith(
      await slow.waitFor(1),
      'This subscription fell more than 2 changed snapshots behind and was ended; subscribe again and refetch',
      'SERVICE_UNAVAILABLE',
    );
    await subscriptionsDownTo(1);

    const snapshot = await createSnapshot(suite.server, p.id);
    const [event] = await other.waitFor(1);
    expect((event!.data as Changed).snapshotChanged.id).toBe(snapshot.id);
    expect(slow.received).toHaveLength(1);
  });

  it('ends a subscription with a masked, logged error when reading a changed snapshot fails, and closes its queue', async () => {
    const p = await project();
    const subscriber = await listen({ project: p.id });
    const byIds = jest.spyOn(suite.server.app.services.tables.snapshot, 'byIds').mockRejectedValueOnce(new Error('read failed'));
    try {
      await createSnapshot(suite.server, p.id);
      endedWith(await subscriber.waitFor(1), 'Internal server error', 'INTERNAL_SERVER_ERROR');
    } finally {
      byIds.mockRestore();
    }
    expect(suite.server.logged).toContainEqual(expect.objectContaining({ level: 50, msg: 'unexpected error', err: expect.objectContaining({ message: 'read failed' }) as unknown }));
    await subscriptionsDownTo(0);
    // Nothing collects for it any more: later changes go nowhere.
    await createSnapshot(suite.server, p.id);
    await new Promise((r) => setTimeout(r, 200));
    expect(subscriber.received).toHaveLength(1);
  });
});

(onServer ? describe : describe.skip)('malformed notifications (PostgreSQL LISTEN/NOTIFY; PGlite has none)', () => {
  it('leaves out a notification id that is not a UUID, and every subscription goes on', async () => {
    const p = await project();
    const mine = await listen({ project: p.id });
    const everything = await listen();
    await notify(JSON.stringify([['x', p.id]]));
    await notify('not json');
    const snapshot = await createSnapshot(suite.server, p.id);
    for (const subscriber of [mine, everything]) {
      const received = await subscriber.waitFor(1);
      expect(received.map((r) => [r.errors, (r.data as Changed | undefined)?.snapshotChanged.id])).toEqual([[undefined, snapshot.id]]);
    }
    expect(suite.server.app.services.feed.subscriberCount()).toBe(2);
    expect(suite.server.logged).toContainEqual(expect.objectContaining({ level: 40, msg: 'malformed change notification left out', malformed: 1 }));
  });
});
