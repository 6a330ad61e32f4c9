import { createPlan, createProject, createSnapshot } from '../helpers/factories';
import { Subscriber, SNAPSHOT_CHANGED, subscribe } from '../helpers/subscriber';
import { TOKENS, useServers } from '../helpers/test-server';

/** A server that reads for token holders only. */
const suite = useServers(1, { ANONYMOUS_READ: 'false' });
const open: Subscriber[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('subscriptions and tokens', () => {
  it.each([
    ['no token', undefined, 'This server needs a token: send "Authorization: Bearer <token>"'],
    ['a token that matches nothing', { Authorization: 'Bearer not-a-token' }, 'The token matches no known token'],
    ['a header that is not a bearer token', { authorization: 'Basic abc' }, 'The Authorization header must be "Bearer <token>"'],
  ])('refuses %s: the connection closes with 4401', async (_name, params, reason) => {
    const subscriber = new Subscriber(suite.server.url, SNAPSHOT_CHANGED, {}, params);
    open.push(subscriber);
    const [message] = await subscriber.waitFor(1);
    expect(message!.closed).toEqual({ code: 4401, reason });
    expect(suite.server.app.services.feed.subscriberCount()).toBe(0);
  });

  it('serves a viewer token, given as Authorization or authorization', async () => {
    const p = await createProject(suite.server);
    await createPlan(suite.server, p.id);
    const upper = await subscribe(suite.server, { project: p.id }, { Authorization: `Bearer ${TOKENS.viewer}` });
    const lower = await subscribe(suite.server, { project: p.id }, { authorization: `Bearer ${TOKENS.viewer}` });
    open.push(upper, lower);
    const snapshot = await createSnapshot(suite.server, p.id);
    for (const s of [upper, lower]) {
      const [event] = await s.waitFor(1);
      expect((event!.data as { snapshotChanged: { id: string } }).snapshotChanged.id).toBe(snapshot.id);
    }
  });
});
