import { randomUUID } from 'node:crypto';
import { databaseKind } from '../helpers/database';
import { type CreatedSnapshot, activeCurrentSnapshot, activeSnapshot, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { expectRefusal, noSuch, refused } from '../helpers/refusals';
import {
  KEEP_NOTHING,
  backdate,
  expireSnapshots,
  expired,
  leaseSnapshot,
  retentionProject,
  setCurrent,
  setPolicy,
  snapshotRetention,
} from '../helpers/retention';
import { withSql } from '../helpers/sql';
import { type Subscriber, subscribe } from '../helpers/subscriber';
import { TOKENS, bearer, useServers } from '../helpers/test-server';

/**
 * Retention: a policy per project, the reasons a snapshot is kept, and
 * expiry, which takes what nothing keeps and can say so first (dry run).
 */
const suite = useServers(1);

const SET_POLICY = `mutation($p: ID!, $a: Int!, $d: Int!, $h: Int!) {
  setRetentionPolicy(project: $p, keepActive: $a, keepDays: $d, keepHistory: $h) { id retention { keepActive keepDays keepHistory } }
}`;

const keptBecause = async (id: string): Promise<string[]> => (await snapshotRetention(suite.server, id)).keptBecause;
const keptBecauseAll = async (ids: string[]) => Promise.all(ids.map(keptBecause));
const expiredAtOf = async (id: string): Promise<string | null> => (await snapshotRetention(suite.server, id)).expiredAt;

describe('the retention policy', () => {
  it('defaults to 10 ACTIVE snapshots, 30 days, 5 changes of the current snapshot', async () => {
    const p = await createProject(suite.server);
    const data = await ok(suite.server, 'query($p: ID!) { project(id: $p) { retention { keepActive keepDays keepHistory } } }', { p: p.id });
    expect(data.project.retention).toEqual({ keepActive: 10, keepDays: 30, keepHistory: 5 });
  });

  it('is set by an admin, by project id or slug, within its ranges', async () => {
    const p = await createProject(suite.server);
    expect((await ok(suite.server, SET_POLICY, { p: p.slug, a: 0, d: 0, h: 0 })).setRetentionPolicy.retention).toEqual({ keepActive: 0, keepDays: 0, keepHistory: 0 });
    expect((await ok(suite.server, SET_POLICY, { p: p.id, a: 1000, d: 3650, h: 100 })).setRetentionPolicy.retention).toEqual({
      keepActive: 1000,
      keepDays: 3650,
      keepHistory: 100,
    });
    const cases: [Record<string, number>, string, string][] = [
      [{ a: -1 }, 'keepActive', '"keepActive" must be from 0 to 1000, got -1'],
      [{ a: 1001 }, 'keepActive', '"keepActive" must be from 0 to 1000, got 1001'],
      [{ d: -1 }, 'keepDays', '"keepDays" must be from 0 to 3650, got -1'],
      [{ d: 3651 }, 'keepDays', '"keepDays" must be from 0 to 3650, got 3651'],
      [{ h: -1 }, 'keepHistory', '"keepHistory" must be from 0 to 100, got -1'],
      [{ h: 101 }, 'keepHistory', '"keepHistory" must be from 0 to 100, got 101'],
    ];
    for (const [change, argument, message] of cases) {
      await refused(suite.server, SET_POLICY, { p: p.id, a: 1, d: 1, h: 1, ...change }, 'BAD_USER_INPUT', message, argument);
    }
    await refused(suite.server, SET_POLICY, { p: 'no-such-project', a: 1, d: 1, h: 1 }, 'NOT_FOUND', noSuch('project', 'no-such-project'));
    for (const role of ['viewer', 'scheduler'] as const) {
      const res = await suite.server.gql(SET_POLICY, { p: p.id, a: 1, d: 1, h: 1 }, bearer(TOKENS[role]));
      expect([res.status, res.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
    }
    const data = await ok(suite.server, 'query($p: ID!) { project(id: $p) { retention { keepActive keepDays keepHistory } } }', { p: p.id });
    expect(data.project.retention).toEqual({ keepActive: 1000, keepDays: 3650, keepHistory: 100 });
  });

  it('is stored with the database\'s own checks too', async () => {
    const p = await createProject(suite.server);
    await expect(withSql(suite.db.url, (c) => c.query('UPDATE project SET keep_days = -1 WHERE id = $1', [p.id]))).rejects.toThrow(/project_keep_days_check/);
  });
});

describe('each keep reason keeps its snapshot', () => {
  it('CURRENT: the current snapshot, whatever its age', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const s = await activeCurrentSnapshot(suite.server, p.id);
    await backdate(suite.db.url, [s.id], 400);
    expect(await keptBecause(s.id)).toEqual(['CURRENT']);
    expect(await expired(suite.server, p.id)).toEqual([]);
    // An invalidated current snapshot stays current, and kept.
    await setImageStatus(suite.server, s.images[0]!.id, 'INVALIDATED');
    expect(await keptBecause(s.id)).toEqual(['CURRENT']);
    expect(await expired(suite.server, p.id)).toEqual([]);
    // Once it is not current, nothing keeps it.
    await setCurrent(suite.server, p.id, null);
    expect(await keptBecause(s.id)).toEqual([]);
    expect(await expired(suite.server, p.id)).toEqual([s.id]);
  });

  it('LEASED: a live lease', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const s = await activeSnapshot(suite.server, p.id);
    await leaseSnapshot(suite.server, s.id);
    await backdate(suite.db.url, [s.id], 400);
    expect(await keptBecause(s.id)).toEqual(['LEASED']);
    expect(await expired(suite.server, p.id)).toEqual([]);
  });

  it('NEWEST_ACTIVE: the newest keepActive ACTIVE snapshots that have not expired', async () => {
    const p = await retentionProject(suite.server, { keepActive: 2, keepDays: 0, keepHistory: 0 });
    const [a1, a2, a3] = [await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id)];
    // Snapshots that are not ACTIVE, newer than all of them, count for nothing.
    const pending = await createSnapshot(suite.server, p.id);
    const failed = await createSnapshot(suite.server, p.id);
    await setImageStatus(suite.server, failed.images[0]!.id, 'FAILED');
    expect(await keptBecauseAll([a1.id, a2.id, a3.id, pending.id, failed.id])).toEqual([[], ['NEWEST_ACTIVE'], ['NEWEST_ACTIVE'], [], []]);
    expect(await expired(suite.server, p.id)).toEqual([failed.id, pending.id, a1.id]);
    // The newest one invalidated: the next one down is kept in its place.
    await setImageStatus(suite.server, a3.images[0]!.id, 'INVALIDATED');
    const a4 = await activeSnapshot(suite.server, p.id);
    expect(await keptBecauseAll([a2.id, a3.id, a4.id])).toEqual([['NEWEST_ACTIVE'], [], ['NEWEST_ACTIVE']]);
    // A leased ACTIVE snapshot past the newest two is kept for its lease, and does not push out a newer one.
    await leaseSnapshot(suite.server, a2.id);
    const a5 = await activeSnapshot(suite.server, p.id);
    expect(await keptBecauseAll([a2.id, a4.id, a5.id])).toEqual([['LEASED'], ['NEWEST_ACTIVE'], ['NEWEST_ACTIVE']]);
    expect(await expired(suite.server, p.id)).toEqual([a3.id]);
  });

  it('RECENT: created less than keepDays days ago', async () => {
    const p = await retentionProject(suite.server, { keepActive: 0, keepDays: 30, keepHistory: 0 });
    const [young, old, pending] = [await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id), await createSnapshot(suite.server, p.id)];
    await backdate(suite.db.url, [young.id, pending.id], 29);
    await backdate(suite.db.url, [old.id], 31);
    expect(await keptBecauseAll([young.id, old.id, pending.id])).toEqual([['RECENT'], [], ['RECENT']]);
    expect(await expired(suite.server, p.id)).toEqual([old.id]);
    // A longer policy does not bring an expired snapshot back.
    await setPolicy(suite.server, p.id, { keepActive: 10, keepDays: 3650, keepHistory: 100 });
    expect(await snapshotRetention(suite.server, old.id)).toMatchObject({ keptBecause: [], expiredAt: expect.any(String) });
    expect(await keptBecause(young.id)).toEqual(['NEWEST_ACTIVE', 'RECENT']);
  });

  it('several reasons at once, in the enum\'s order', async () => {
    const p = await retentionProject(suite.server);
    const s = await activeCurrentSnapshot(suite.server, p.id);
    await leaseSnapshot(suite.server, s.id);
    expect(await keptBecause(s.id)).toEqual(['CURRENT', 'LEASED', 'NEWEST_ACTIVE', 'RECENT', 'HISTORY']);
  });

  it('HISTORY: made current by one of the project\'s last keepHistory current-snapshot changes', async () => {
    const p = await retentionProject(suite.server, { keepActive: 0, keepDays: 0, keepHistory: 2 });
    const [a, b, c] = [await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id)];
    for (const s of [a, b, c]) await setCurrent(suite.server, p.id, s.id);
    expect(await keptBecauseAll([a.id, b.id, c.id])).toEqual([[], ['HISTORY'], ['CURRENT', 'HISTORY']]);
    expect(await expired(suite.server, p.id)).toEqual([a.id]);
    // Clearing the current snapshot is a change too: b is now third from the last.
    await setCurrent(suite.server, p.id, null);
    expect(await keptBecauseAll([b.id, c.id])).toEqual([[], ['HISTORY']]);
    // A snapshot made current again counts from its newest change.
    await setCurrent(suite.server, p.id, c.id);
    expect(await keptBecause(c.id)).toEqual(['CURRENT', 'HISTORY']);
    await setCurrent(suite.server, p.id, null);
    await setCurrent(suite.server, p.id, null);
    expect(await keptBecauseAll([b.id, c.id])).toEqual([[], ['HISTORY']]);
    expect(await expired(suite.server, p.id)).toEqual([b.id]);
    // A longer history does not bring b back.
    await setPolicy(suite.server, p.id, { keepActive: 0, keepDays: 0, keepHistory: 100 });
    expect(await snapshotRetention(suite.server, b.id)).toMatchObject({ keptBecause: [], expiredAt: expect.any(String) });
    expect(await keptBecause(c.id)).toEqual(['HISTORY']);
  });
});

describe('expireSnapshots', () => {
  it('a dry run changes nothing and names exactly what the real run then expires, newest first', async () => {
    const p = await retentionProject(suite.server, { keepActive: 1, keepDays: 10, keepHistory: 0 });
    const made: CreatedSnapshot[] = [];
    for (let i = 0; i < 8; i++) made.push(i % 3 === 2 ? await createSnapshot(suite.server, p.id) : await activeSnapshot(suite.server, p.id));
    const ids = made.map((s) => s.id);
    await backdate(suite.db.url, ids.slice(0, 6), 20);
    await setCurrent(suite.server, p.id, ids[0]!);
    await leaseSnapshot(suite.server, ids[1]!);
    // Kept: 0 current, 1 leased, 7 the newest ACTIVE, 6 and 7 recent. Expires: 5, 4, 3, 2, newest first.
    const before = await ok(suite.server, 'query($p: ID!) { snapshots(project: $p, state: ALL, first: 100) { nodes { id status expiredAt keptBecause } } }', { p: p.id });
    const dry = await expireSnapshots(suite.server, p.slug, true);
    expect(dry.errors).toBeUndefined();
    expect(dry.data!.expireSnapshots).toEqual({
      dryRun: true,
      expired: [5, 4, 3, 2].map((n) => ({ id: ids[n], status: made[n]!.status, expiredAt: null })),
    });
    expect(await ok(suite.server, 'query($p: ID!) { snapshots(project: $p, state: ALL, first: 100) { nodes { id status expiredAt keptBecause } } }', { p: p.id })).toEqual(before);
    expect(await expired(suite.server, p.id, true)).toEqual([5, 4, 3, 2].map((n) => ids[n]));

    const real = await expireSnapshots(suite.server, p.id);
    expect(real.errors).toBeUndefined();
    expect(real.data!.expireSnapshots.dryRun).toBe(false);
    expect(real.data!.expireSnapshots.expired.map((s: { id: string }) => s.id)).toEqual([5, 4, 3, 2].map((n) => ids[n]));
    // Expiry changes no status; expiredAt is set.
    for (const s of real.data!.expireSnapshots.expired) {
      expect(s.status).toBe(made[ids.indexOf(s.id)]!.status);
      expect(Date.parse(s.expiredAt)).toBeGreaterThan(Date.now() - 60_000);
    }
    // Nothing is left to expire, and a second run changes no expiredAt.
    expect(await expired(suite.server, p.id, true)).toEqual([]);
    const at = await expiredAtOf(ids[2]!);
    expect(await expired(suite.server, p.id)).toEqual([]);
    expect(await expiredAtOf(ids[2]!)).toBe(at);
  });

  it('without a project, runs over every project; the default is no dry run', async () => {
    const [p, q] = [await retentionProject(suite.server, KEEP_NOTHING), await retentionProject(suite.server, KEEP_NOTHING)];
    const [s, t] = [await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, q.id)];
    const dry = await expired(suite.server, null, true);
    expect(dry).toEqual(expect.arrayContaining([s.id, t.id]));
    const res = await suite.server.gql('mutation { expireSnapshots { dryRun expired { id } } }');
    expect(res.data!.expireSnapshots.dryRun).toBe(false);
    const ids = res.data!.expireSnapshots.expired.map((x: { id: string }) => x.id);
    expect(ids).toEqual(dry);
    expect(ids.indexOf(t.id)).toBeLessThan(ids.indexOf(s.id)); // newest first across projects
    expect(await expiredAtOf(s.id)).not.toBeNull();
  });

  it('refuses an unknown project and callers below admin', async () => {
    const query = 'mutation($p: ID) { expireSnapshots(project: $p) { dryRun } }';
    await refused(suite.server, query, { p: 'no-such-project' }, 'NOT_FOUND', noSuch('project', 'no-such-project'));
    for (const role of ['viewer', 'scheduler'] as const) {
      const res = await suite.server.gql(query, { p: null }, bearer(TOKENS[role]));
      expect([res.status, res.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
    }
  });
});

describe('an expired snapshot', () => {
  it('can never become current, be leased, or un-expire', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const s = await activeSnapshot(suite.server, p.id);
    expect(await expired(suite.server, p.id)).toEqual([s.id]);
    const at = await expiredAtOf(s.id);
    expectRefusal(await setCurrent(suite.server, p.id, s.id), 'INVALID_TRANSITION', `Snapshot ${s.id} has expired; an expired snapshot cannot be current`);
    expectRefusal(await leaseSnapshot(suite.server, s.id), 'INVALID_TRANSITION', `Snapshot ${s.id} has expired; an expired snapshot cannot be leased`);
    await setPolicy(suite.server, p.id, { keepActive: 1000, keepDays: 3650, keepHistory: 100 });
    expect(await snapshotRetention(suite.server, s.id)).toMatchObject({ status: 'ACTIVE', expiredAt: at, keptBecause: [], isCurrent: false, leases: [] });
    const history = await ok(suite.server, 'query($p: ID!) { project(id: $p) { currentVersion } }', { p: p.id });
    expect(history.project.currentVersion).toBe(0);
    expect(await expired(suite.server, p.id)).toEqual([]);
    expect(await expiredAtOf(s.id)).toBe(at);
  });
});

describe('rolling back', () => {
  const ROLLBACK = 'mutation($p: ID!) { rollbackCurrentSnapshot(project: $p, reason: "bad build") { currentSnapshot { id } } }';

  it('skips expired snapshots on the way back', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const [a, b, c] = [await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id)];
    for (const s of [a, b, c]) await setCurrent(suite.server, p.id, s.id);
    await leaseSnapshot(suite.server, a.id);
    expect(await expired(suite.server, p.id)).toEqual([b.id]);
    // The undo stack holds b, then a: b has expired, so the rollback goes to a.
    expect((await ok(suite.server, ROLLBACK, { p: p.id })).rollbackCurrentSnapshot.currentSnapshot).toEqual({ id: a.id });
  });

  it('is refused when every value on the way back has expired', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const [a, b] = [await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id)];
    for (const s of [a, b]) await setCurrent(suite.server, p.id, s.id);
    expect(await expired(suite.server, p.id)).toEqual([a.id]);
    expectRefusal(
      await suite.server.gql(ROLLBACK, { p: p.slug }),
      'INVALID_TRANSITION',
      `Project ${p.slug} has nowhere to roll back to: no earlier current snapshot is ACTIVE, unexpired and other than the present one`,
    );
    expect((await snapshotRetention(suite.server, b.id)).isCurrent).toBe(true);
  });
});

describe('listings', () => {
  it('EXPIRED lists expired snapshots; VALID leaves them out; ALL and INVALID are unchanged', async () => {
    const p = await retentionProject(suite.server, { keepActive: 0, keepDays: 0, keepHistory: 0 });
    const kept = await activeCurrentSnapshot(suite.server, p.id);
    const invalid = await activeSnapshot(suite.server, p.id);
    await setImageStatus(suite.server, invalid.images[0]!.id, 'INVALIDATED');
    const old = await activeSnapshot(suite.server, p.id);
    const leased = await activeSnapshot(suite.server, p.id);
    await leaseSnapshot(suite.server, leased.id);
    expect(await expired(suite.server, p.id)).toEqual([old.id, invalid.id]);
    const listing = async (state: string) => {
      const data = await ok(
        suite.server,
        `query($p: ID!) {
          top: snapshots(project: $p, state: ${state}, first: 100) { totalCount nodes { id } }
          nested: project(id: $p) { snapshots(state: ${state}, first: 100) { totalCount nodes { id } } }
        }`,
        { p: p.id },
      );
      expect(data.nested.snapshots).toEqual(data.top);
      return [data.top.totalCount, data.top.nodes.map((n: { id: string }) => n.id)];
    };
    expect(await listing('EXPIRED')).toEqual([2, [old.id, invalid.id]]);
    expect(await listing('VALID')).toEqual([2, [leased.id, kept.id]]);
    expect(await listing('ALL')).toEqual([4, [leased.id, old.id, invalid.id, kept.id]]);
    expect(await listing('INVALID')).toEqual([1, [invalid.id]]);
    // The default of snapshots(...) is VALID.
    expect((await ok(suite.server, 'query($p: ID!) { snapshots(project: $p) { nodes { id } } }', { p: p.id })).snapshots.nodes).toEqual([{ id: leased.id }, { id: kept.id }]);
  });

  it('a storage cleaner pages through EXPIRED across projects', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await activeSnapshot(suite.server, p.id)).id);
    expect(await expired(suite.server, p.id)).toEqual([...made].reverse());
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await ok(suite.server, 'query($a: String) { snapshots(state: EXPIRED, first: 2, after: $a) { nodes { id expiredAt project { id } } pageInfo { hasNextPage endCursor } } }', { a: after })).snapshots;
      expect(page.nodes.every((n: { expiredAt: string | null }) => n.expiredAt !== null)).toBe(true);
      seen.push(...page.nodes.filter((n: { project: { id: string } }) => n.project.id === p.id).map((n: { id: string }) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...made].reverse());
  });
});

describe('live updates', () => {
  let subscriber: Subscriber | null = null;
  afterEach(async () => {
    await subscriber?.close();
    subscriber = null;
  });

  it('expiring a snapshot tells its subscribers; a dry run tells nobody', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const [a, b] = [await activeSnapshot(suite.server, p.id), await activeSnapshot(suite.server, p.id)];
    subscriber = await subscribe(suite.server, { project: p.id }, undefined, `subscription($project: ID) {
      snapshotChanged(project: $project) { id status expiredAt keptBecause }
    }`);
    expect(await expired(suite.server, p.id, true)).toEqual([b.id, a.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subscriber.received).toEqual([]);
    expect(await expired(suite.server, p.id)).toEqual([b.id, a.id]);
    const events = (await subscriber.waitFor(2)).map((r) => r.data?.snapshotChanged);
    expect(events.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    for (const e of events) expect(e).toMatchObject({ status: 'ACTIVE', expiredAt: expect.any(String), keptBecause: [] });
  });
});

describe('SQL statements', () => {
  const statementsOf = async (query: string, variables: Record<string, unknown>) => {
    suite.server.queries.clear();
    await ok(suite.server, query, variables);
    return suite.server.queries.statements;
  };

  it('keptBecause and leases for a page of 1, 10 or 100 snapshots: the same three statements', async () => {
    const p = await retentionProject(suite.server);
    for (let i = 0; i < 100; i++) {
      const s = await createSnapshot(suite.server, p.id);
      if (i % 10 === 0) {
        await setImageStatus(suite.server, s.images[0]!.id, 'ACTIVE');
        await leaseSnapshot(suite.server, s.id, `build-${i}`);
      }
    }
    const query = 'query($p: ID!, $n: Int!) { snapshots(project: $p, state: ALL, first: $n) { nodes { id keptBecause leases { holder } } } }';
    const counts: Record<number, number> = {};
    for (const n of [1, 10, 100]) counts[n] = (await statementsOf(query, { p: p.id, n })).length;
    console.log(`keptBecause + leases page statements by page size (${databaseKind()}): ${JSON.stringify(counts)}`);
    // The project (by id), the page, the keep facts, the live leases.
    expect(counts).toEqual({ 1: 4, 10: 4, 100: 4 });
    const data = await ok(suite.server, query, { p: p.id, n: 100 });
    expect(data.snapshots.nodes.filter((n: { leases: unknown[] }) => n.leases.length)).toHaveLength(10);
    expect(data.snapshots.nodes.every((n: { keptBecause: string[] }) => n.keptBecause.includes('RECENT'))).toBe(true);
  });

  it('an expiry run of one project: the same statements for 1 or 40 snapshots to expire', async () => {
    const counts: Record<number, string[]> = {};
    for (const n of [1, 40]) {
      const p = await retentionProject(suite.server, KEEP_NOTHING);
      for (let i = 0; i < n; i++) await createSnapshot(suite.server, p.id);
      await activeSnapshot(suite.server, p.id).then((s) => setCurrent(suite.server, p.id, s.id));
      suite.server.queries.clear();
      expect(await expired(suite.server, p.id)).toHaveLength(n);
      counts[n] = suite.server.queries.statements.map((s) => s.trim().split(/\s+/)[0]!.toUpperCase());
    }
    console.log(`expiry of one project, statements (${databaseKind()}): ${counts[1]!.length}: ${counts[1]!.join(' ')}`);
    expect(counts[40]).toEqual(counts[1]);
    // The project by reference; its unexpired snapshots; BEGIN; lock; read again; update; notify (PostgreSQL only); COMMIT.
    expect(counts[1]!.length).toBeLessThanOrEqual(8);
  });

  it('an expiry run over every project: a fixed number of statements per batch of projects', async () => {
    for (let i = 0; i < 3; i++) {
      const p = await retentionProject(suite.server, KEEP_NOTHING);
      await createSnapshot(suite.server, p.id);
    }
    suite.server.queries.clear();
    expect((await expired(suite.server, null)).length).toBeGreaterThanOrEqual(3);
    const statements = suite.server.queries.statements.length;
    console.log(`expiry of every project (fewer than 100), statements (${databaseKind()}): ${statements}`);
    // The project ids; the unexpired snapshots; BEGIN; lock; read again; update; notify (PostgreSQL only); COMMIT.
    expect(statements).toBeLessThanOrEqual(8);
  });
});

describe('unknown ids', () => {
  it('a snapshot that is not there has no keep reasons to ask for', async () => {
    expect((await ok(suite.server, 'query($s: ID!) { snapshot(id: $s) { id } }', { s: randomUUID() })).snapshot).toBeNull();
  });
});
