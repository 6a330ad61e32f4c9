import { activeSnapshot } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { expectRefusal } from '../helpers/refusals';
import {
  KEEP_NOTHING,
  type ExpiredSnapshots,
  expireSnapshots,
  leaseSnapshot,
  retentionProject,
  setCurrent,
  snapshotRetention,
} from '../helpers/retention';
import { databaseKind } from '../helpers/database';
import { type GqlResponse, type TestServer, useServers } from '../helpers/test-server';

/**
 * Three server instances on one database: expiry racing a lease, and racing
 * a promotion, on a snapshot that only the lease (or being current) would
 * keep. Whoever locks the snapshot row first wins; the other sees it.
 */
const suite = useServers(3);

const ROUNDS = 30;
const on = (n: number): TestServer => suite.servers[n % suite.servers.length]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `a` and `b` at once, one of them (in turn by round) a few milliseconds
 * after the other (0 to 15, varying by round), so that either may lock first.
 * The answers come in the order [a, b].
 */
async function race<A, B>(round: number, a: () => Promise<GqlResponse<A>>, b: () => Promise<GqlResponse<B>>): Promise<[GqlResponse<A>, GqlResponse<B>]> {
  const later = <T>(f: () => Promise<GqlResponse<T>>) => sleep((round * 7) % 16).then(f);
  return round % 2 ? Promise.all([a(), later(b)]) : Promise.all([later(a), b()]);
}

const expiredIds = (res: GqlResponse<ExpiredSnapshots>): string[] => {
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.expireSnapshots.expired.map((s) => s.id);
};

describe('three instances on one database', () => {
  it(`leaseSnapshot racing expireSnapshots, ${ROUNDS} rounds: a live lease on an unexpired snapshot, or an expired one and a refused lease`, async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const outcomes = { leased: 0, expired: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const s = await activeSnapshot(on(round), p.id);
      const lease = () => leaseSnapshot(on(round), s.id, `race ${round}`);
      const expire = () => expireSnapshots(on(round + 1), p.id);
      const [leased, expiry] = await race(round, lease, expire);
      const named = expiredIds(expiry).includes(s.id);
      const after = await snapshotRetention(on(round + 2), s.id);
      if (!leased.errors) {
        const lease = leased.data!.leaseSnapshot;
        expect(lease).toMatchObject({ live: true, snapshot: { id: s.id } });
        expect({ named, expiredAt: after.expiredAt, keptBecause: after.keptBecause, leases: after.leases.map((l) => l.id) }).toEqual({
          named: false,
          expiredAt: null,
          keptBecause: ['LEASED'],
          leases: [lease.id],
        });
        outcomes.leased++;
      } else {
        expectRefusal(leased, 'INVALID_TRANSITION', `Snapshot ${s.id} has expired; an expired snapshot cannot be leased`);
        expect({ named, expired: after.expiredAt !== null, leases: after.leases }).toEqual({ named: true, expired: true, leases: [] });
        outcomes.expired++;
      }
    }
    console.log(`retention races (${databaseKind()}): leaseSnapshot vs expireSnapshots, ${ROUNDS} rounds: leased ${outcomes.leased}, expired ${outcomes.expired}, both 0`);
    expect(outcomes.leased + outcomes.expired).toBe(ROUNDS);
    // Nothing live is on an expired snapshot, anywhere.
    const page = await ok<{ snapshots: { nodes: { id: string; leases: { id: string }[] }[] } }>(
      suite.server,
      'query($p: ID!) { snapshots(project: $p, state: EXPIRED, first: 100) { nodes { id leases { id } } } }',
      { p: p.id },
    );
    expect(page.snapshots.nodes.filter((n) => n.leases.length)).toEqual([]);
  });

  it(`setCurrentSnapshot racing expireSnapshots, ${ROUNDS} rounds: a current unexpired snapshot, or an expired one and a refused promotion`, async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const outcomes = { current: 0, expired: 0 };
    let current: string | null = null;
    for (let round = 0; round < ROUNDS; round++) {
      const s = await activeSnapshot(on(round), p.id);
      const promote = () => setCurrent(on(round), p.id, s.id);
      const expire = () => expireSnapshots(on(round + 1), p.id);
      const [promoted, expiry] = await race(round, promote, expire);
      const named = expiredIds(expiry).includes(s.id);
      const after = await snapshotRetention(on(round + 2), s.id);
      const now = (await ok<{ currentSnapshot: unknown }>(on(round + 2), 'query($p: ID!) { currentSnapshot(project: $p) { id expiredAt } }', { p: p.id })).currentSnapshot;
      if (!promoted.errors) {
        expect({ named, expiredAt: after.expiredAt, isCurrent: after.isCurrent, keptBecause: after.keptBecause, now }).toEqual({
          named: false,
          expiredAt: null,
          isCurrent: true,
          keptBecause: ['CURRENT'],
          now: { id: s.id, expiredAt: null },
        });
        current = s.id;
        outcomes.current++;
      } else {
        expectRefusal(promoted, 'INVALID_TRANSITION', `Snapshot ${s.id} has expired; an expired snapshot cannot be current`);
        expect({ named, expired: after.expiredAt !== null, isCurrent: after.isCurrent }).toEqual({ named: true, expired: true, isCurrent: false });
        expect(now).toEqual(current === null ? null : { id: current, expiredAt: null });
        outcomes.expired++;
      }
    }
    console.log(`retention races (${databaseKind()}): setCurrentSnapshot vs expireSnapshots, ${ROUNDS} rounds: current ${outcomes.current}, expired ${outcomes.expired}, both 0`);
    expect(outcomes.current + outcomes.expired).toBe(ROUNDS);
  });

  it(`rollbackCurrentSnapshot racing expireSnapshots, ${ROUNDS} rounds: back on an unexpired snapshot, or that snapshot expired and the rollback refused`, async () => {
    const outcomes = { rolledBack: 0, expired: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      // A project of its own each round, so that the only value to go back to is x.
      const p = await retentionProject(on(round), KEEP_NOTHING);
      const [x, y] = [await activeSnapshot(on(round), p.id), await activeSnapshot(on(round), p.id)];
      for (const s of [x, y]) await setCurrent(on(round), p.id, s.id);
      const rollback = () =>
        on(round).gql<{ rollbackCurrentSnapshot: { currentSnapshot: { id: string } | null } }>(
          'mutation($p: ID!) { rollbackCurrentSnapshot(project: $p, reason: "race") { currentSnapshot { id } } }',
          { p: p.id },
        );
      const expire = () => expireSnapshots(on(round + 1), p.id);
      const [rolled, expiry] = await race(round, rollback, expire);
      const named = expiredIds(expiry).includes(x.id);
      const after = await snapshotRetention(on(round + 2), x.id);
      if (!rolled.errors) {
        expect(rolled.data!.rollbackCurrentSnapshot.currentSnapshot).toEqual({ id: x.id });
        expect({ named, expiredAt: after.expiredAt, isCurrent: after.isCurrent }).toEqual({ named: false, expiredAt: null, isCurrent: true });
        outcomes.rolledBack++;
      } else {
        expectRefusal(
          rolled,
          'INVALID_TRANSITION',
          `Project ${p.slug} has nowhere to roll back to: no earlier current snapshot is ACTIVE, unexpired and other than the present one`,
        );
        expect({ named, expired: after.expiredAt !== null, isCurrent: after.isCurrent }).toEqual({ named: true, expired: true, isCurrent: false });
        expect((await snapshotRetention(on(round + 2), y.id)).isCurrent).toBe(true);
        outcomes.expired++;
      }
    }
    console.log(`retention races (${databaseKind()}): rollbackCurrentSnapshot vs expireSnapshots, ${ROUNDS} rounds: rolled back ${outcomes.rolledBack}, expired ${outcomes.expired}, both 0`);
    expect(outcomes.rolledBack + outcomes.expired).toBe(ROUNDS);
  });
});
