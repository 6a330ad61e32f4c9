import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode } from '../../src/errors';
import { DEFAULT_FEED_BOUNDS, LocalChangeFeed } from '../../src/events/change-feed';
import { ChangeQueue } from '../../src/events/change-queue';
import { CHANGES_PER_PAYLOAD, decodeChanges, encodePayloads, type SnapshotChange } from '../../src/events/snapshot-change';

const project = randomUUID();
const change = (snapshotId = randomUUID()): SnapshotChange => ({ snapshotId, projectId: project });
/** A feed the test can end subscriptions of, as a feed does when it may have missed changes. */
class EndingFeed extends LocalChangeFeed {
  end(error: AppError): void {
    this.endAll(error);
  }
}
const feed = (maxSubscriptions = 10, maxQueue = 3) => new EndingFeed({ maxSubscriptions, maxQueue });
const everything = () => true;

describe('ChangeQueue', () => {
  it('delivers in order, one entry per waiting snapshot', async () => {
    const f = feed();
    const queue = new ChangeQueue(f, everything, 3);
    const [a, b] = [change(), change()];
    f.committed([a, b, { ...a }, b]);
    expect(await queue.next()).toEqual({ value: a, done: false });
    expect(await queue.next()).toEqual({ value: b, done: false });
    // Taken off the queue: the same snapshot may wait again.
    f.committed([a]);
    expect(await queue.next()).toEqual({ value: a, done: false });
  });

  it('ends itself on one entry past its bound: next() rejects once, then is done, and the feed has let it go', async () => {
    const f = feed();
    const queue = new ChangeQueue(f, everything, 3);
    const other = new ChangeQueue(f, everything, 10);
    f.committed([change(), change(), change(), change()]);
    expect(f.subscriberCount()).toBe(1);
    await expect(queue.next()).rejects.toMatchObject({
      message: 'This subscription fell more than 3 changed snapshots behind and was ended; subscribe again and refetch',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(await other.next()).toMatchObject({ done: false });
    await other.return();
    expect(f.subscriberCount()).toBe(0);
  });

  it('rejects a waiting next() when the feed ends it', async () => {
    const f = feed();
    const queue = new ChangeQueue(f, everything);
    const waiting = queue.next();
    f.end(new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'gone'));
    await expect(waiting).rejects.toMatchObject({ message: 'gone', extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(f.subscriberCount()).toBe(0);
  });

  it('return() ends a waiting next() as done and unsubscribes', async () => {
    const f = feed();
    const queue = new ChangeQueue(f, everything);
    const waiting = queue.next();
    await queue.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(f.subscriberCount()).toBe(0);
  });

  it('is refused past the feed’s most subscriptions', () => {
    const f = feed(2);
    new ChangeQueue(f, everything);
    new ChangeQueue(f, everything);
    expect(() => new ChangeQueue(f, everything)).toThrow('This server instance serves its most subscriptions (2); try again later');
    expect(f.subscriberCount()).toBe(2);
  });
});

describe('the default bounds under the bench load (bench/lib/subscriptions.mjs: 1,000 subscribers over 3 instances, 50 changes a second)', () => {
  it('serve one instance its 334 subscribers, each taking a burst of a second of changes to distinct snapshots', async () => {
    const f = new LocalChangeFeed(DEFAULT_FEED_BOUNDS);
    const queues = Array.from({ length: Math.ceil(1_000 / 3) }, () => new ChangeQueue(f, everything, DEFAULT_FEED_BOUNDS.maxQueue));
    const burst = Array.from({ length: 50 }, () => change());
    f.committed(burst);
    for (const queue of queues) {
      for (const expected of burst) expect(await queue.next()).toEqual({ value: expected, done: false });
    }
    expect(f.subscriberCount()).toBe(334);
  });
});

describe('decodeChanges', () => {
  const [s, p] = [randomUUID(), randomUUID()];
  it.each<[string, string, SnapshotChange[], number]>([
    ['pairs of UUIDs', JSON.stringify([[s, p]]), [{ snapshotId: s, projectId: p }], 0],
    ['a snapshot id that is not a UUID', JSON.stringify([['x', p], [s, p]]), [{ snapshotId: s, projectId: p }], 1],
    ['a project id that is not a UUID', JSON.stringify([[s, 'shop']]), [], 1],
    ['not pairs', JSON.stringify([[s], [s, p, p], 'x', 3]), [], 4],
    ['not an array', JSON.stringify({ s, p }), [], 1],
    ['not JSON', 'not json', [], 1],
  ])('%s', (_name, payload, changes, malformed) => {
    expect(decodeChanges(payload)).toEqual({ changes, malformed });
  });

  it('reads back what encodePayloads wrote, whatever the number of changes', () => {
    const changes = Array.from({ length: CHANGES_PER_PAYLOAD * 2 + 1 }, () => change());
    const decoded = encodePayloads(changes).flatMap((payload) => decodeChanges(payload).changes);
    expect(decoded).toEqual(changes);
  });
});
