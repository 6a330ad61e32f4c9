import { randomUUID } from 'node:crypto';
import { activeCurrentSnapshot, activeSnapshot, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { expectRefusal, noSuch, refused } from '../helpers/refusals';
import {
  KEEP_NOTHING,
  LEASE_FIELDS,
  expired,
  leaseSnapshot,
  retentionProject,
  snapshotRetention,
} from '../helpers/retention';
import { type Subscriber, subscribe } from '../helpers/subscriber';
import { TOKENS, bearer, useServers } from '../helpers/test-server';

/**
 * Leases: a build's hold on the snapshot it runs on. Live until released or
 * past expiresAt, with nothing needing to run for it to lapse.
 */
const suite = useServers(1);

const LEASE_CURRENT = `mutation($p: ID!, $h: String!, $ttl: Int) {
  leaseCurrentSnapshot(project: $p, holder: $h, ttlSeconds: $ttl) { ${LEASE_FIELDS} }
}`;
const RENEW = `mutation($l: ID!, $ttl: Int) { renewLease(lease: $l, ttlSeconds: $ttl) { ${LEASE_FIELDS} } }`;
const RELEASE = `mutation($l: ID!) { releaseLease(lease: $l) { ${LEASE_FIELDS} } }`;
const LEASE = `query($id: ID!) { lease(id: $id) { ${LEASE_FIELDS} } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

function leased(res: Awaited<ReturnType<typeof leaseSnapshot>>) {
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.leaseSnapshot as { id: string; holder: string; dateCreated: string; expiresAt: string; releasedAt: string | null; live: boolean; snapshot: { id: string } };
}

describe('leaseSnapshot', () => {
  it('leases an ACTIVE snapshot for ttlSeconds (default 3600); the lease keeps it', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const s = await activeSnapshot(suite.server, p.id);
    const lease = leased(await leaseSnapshot(suite.server, s.id, 'build 1234 / job 7'));
    expect(lease).toEqual({
      id: expect.any(String),
      holder: 'build 1234 / job 7',
      dateCreated: expect.any(String),
      expiresAt: expect.any(String),
      releasedAt: null,
      live: true,
      snapshot: { id: s.id },
    });
    expect(seconds(lease.dateCreated, lease.expiresAt)).toBe(3600);
    const custom = leased(await leaseSnapshot(suite.server, s.id, 'build 2', 604_800));
    expect(seconds(custom.dateCreated, custom.expiresAt)).toBe(604_800);
    expect(await snapshotRetention(suite.server, s.id)).toMatchObject({
      keptBecause: ['LEASED'],
      expiredAt: null,
      leases: [
        { id: lease.id, holder: 'build 1234 / job 7', live: true },
        { id: custom.id, holder: 'build 2', live: true },
      ],
    });
    expect(await expired(suite.server, p.id)).toEqual([]);
    expect((await ok(suite.server, LEASE, { id: lease.id.replace(/-/g, '').toUpperCase() })).lease).toEqual(lease);
  });

  it('refuses a snapshot that is not ACTIVE, naming its status', async () => {
    const p = await retentionProject(suite.server);
    const s = await createSnapshot(suite.server, p.id);
    expectRefusal(await leaseSnapshot(suite.server, s.id), 'INVALID_TRANSITION', `Only an ACTIVE snapshot can be leased; snapshot ${s.id} is PENDING`);
    await setImageStatus(suite.server, s.images[0]!.id, 'ACTIVE');
    await setImageStatus(suite.server, s.images[0]!.id, 'INVALIDATED');
    expectRefusal(await leaseSnapshot(suite.server, s.id), 'INVALID_TRANSITION', `Only an ACTIVE snapshot can be leased; snapshot ${s.id} is INVALIDATED`);
    expect((await snapshotRetention(suite.server, s.id)).leases).toEqual([]);
  });

  it('refuses an expired snapshot', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const s = await activeSnapshot(suite.server, p.id);
    expect(await expired(suite.server, p.id)).toEqual([s.id]);
    expectRefusal(await leaseSnapshot(suite.server, s.id), 'INVALID_TRANSITION', `Snapshot ${s.id} has expired; an expired snapshot cannot be leased`);
  });

  it('checks its arguments', async () => {
    const p = await retentionProject(suite.server);
    const s = await activeSnapshot(suite.server, p.id);
    const query = `mutation($s: ID!, $h: String!, $ttl: Int) { leaseSnapshot(snapshot: $s, holder: $h, ttlSeconds: $ttl) { id } }`;
    const unknown = randomUUID();
    await refused(suite.server, query, { s: unknown, h: 'b' }, 'NOT_FOUND', noSuch('snapshot', unknown));
    await refused(suite.server, query, { s: 'nope', h: 'b' }, 'BAD_USER_INPUT', '"snapshot" must be a UUID (32 hex digits, with or without dashes)', 'snapshot');
    for (const ttl of [0, -1, 604_801]) {
      await refused(suite.server, query, { s: s.id, h: 'b', ttl }, 'BAD_USER_INPUT', `"ttlSeconds" must be from 1 to 604800, got ${ttl}`, 'ttlSeconds');
    }
    await refused(suite.server, query, { s: s.id, h: '' }, 'BAD_USER_INPUT', '"holder" must be 1 to 255 characters long, got 0', 'holder');
    await refused(suite.server, query, { s: s.id, h: 'x'.repeat(256) }, 'BAD_USER_INPUT', '"holder" must be 1 to 255 characters long, got 256', 'holder');
    await refused(suite.server, query, { s: s.id, h: 'a\u0000b' }, 'BAD_USER_INPUT', '"holder" must not contain NUL characters', 'holder');
    expect(leased(await leaseSnapshot(suite.server, s.id, 'é'.repeat(255))).holder).toBe('é'.repeat(255));
    expect((await snapshotRetention(suite.server, s.id)).leases).toHaveLength(1);
  });

  it('needs the scheduler role', async () => {
    const p = await retentionProject(suite.server);
    const s = await activeSnapshot(suite.server, p.id);
    const query = `mutation($s: ID!) { leaseSnapshot(snapshot: $s, holder: "b") { id } }`;
    const anonymous = await suite.server.gql(query, { s: s.id }, { authorization: '' });
    expect([anonymous.status, anonymous.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const viewer = await suite.server.gql(query, { s: s.id }, bearer(TOKENS.viewer));
    expect([viewer.status, viewer.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
    const scheduler = await suite.server.gql(query, { s: s.id }, bearer(TOKENS.scheduler));
    expect(scheduler.errors).toBeUndefined();
    expect((await snapshotRetention(suite.server, s.id)).leases).toHaveLength(1);
  });
});

describe('leaseCurrentSnapshot', () => {
  it('leases the current snapshot, by project id or slug', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const s = await activeCurrentSnapshot(suite.server, p.id);
    const byId = (await ok(suite.server, LEASE_CURRENT, { p: p.id, h: 'build-a', ttl: 60 })).leaseCurrentSnapshot;
    const bySlug = (await ok(suite.server, LEASE_CURRENT, { p: p.slug, h: 'build-b' })).leaseCurrentSnapshot;
    expect([byId.snapshot.id, byId.live, seconds(byId.dateCreated, byId.expiresAt)]).toEqual([s.id, true, 60]);
    expect([bySlug.snapshot.id, bySlug.live, seconds(bySlug.dateCreated, bySlug.expiresAt)]).toEqual([s.id, true, 3600]);
    // Once another snapshot is current, the leases still keep it.
    await activeCurrentSnapshot(suite.server, p.id);
    expect((await snapshotRetention(suite.server, s.id)).keptBecause).toEqual(['LEASED']);
    expect(await expired(suite.server, p.id)).toEqual([]);
  });

  it('is null when the project has no current snapshot, and leases nothing', async () => {
    const p = await retentionProject(suite.server);
    const s = await activeSnapshot(suite.server, p.id);
    expect((await ok(suite.server, LEASE_CURRENT, { p: p.slug, h: 'b' })).leaseCurrentSnapshot).toBeNull();
    expect((await snapshotRetention(suite.server, s.id)).leases).toEqual([]);
  });

  it('refuses a current snapshot that is not ACTIVE (an invalidated one stays current)', async () => {
    const p = await retentionProject(suite.server);
    const s = await activeCurrentSnapshot(suite.server, p.id);
    await setImageStatus(suite.server, s.images[0]!.id, 'INVALIDATED');
    expectRefusal(
      await suite.server.gql(LEASE_CURRENT, { p: p.id, h: 'b' }),
      'INVALID_TRANSITION',
      `Only an ACTIVE snapshot can be leased; snapshot ${s.id} is INVALIDATED (it is the current snapshot of project ${p.id})`,
    );
  });

  it('checks its arguments and role', async () => {
    const p = await retentionProject(suite.server);
    await refused(suite.server, LEASE_CURRENT, { p: 'no-such-project', h: 'b' }, 'NOT_FOUND', noSuch('project', 'no-such-project'));
    await refused(suite.server, LEASE_CURRENT, { p: p.id, h: 'b', ttl: 0 }, 'BAD_USER_INPUT', '"ttlSeconds" must be from 1 to 604800, got 0', 'ttlSeconds');
    await refused(suite.server, LEASE_CURRENT, { p: p.id, h: '' }, 'BAD_USER_INPUT', '"holder" must be 1 to 255 characters long, got 0', 'holder');
    const viewer = await suite.server.gql(LEASE_CURRENT, { p: p.id, h: 'b' }, bearer(TOKENS.viewer));
    expect([viewer.status, viewer.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('a lease lapses by itself', () => {
  it('with ttl 1 s: no longer live, no longer keeps its snapshot, cannot be renewed', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const s = await activeSnapshot(suite.server, p.id);
    const lease = leased(await leaseSnapshot(suite.server, s.id, 'short', 1));
    expect(seconds(lease.dateCreated, lease.expiresAt)).toBe(1);
    await sleep(1500);
    expect((await ok(suite.server, LEASE, { id: lease.id })).lease).toMatchObject({ live: false, releasedAt: null });
    expect(await snapshotRetention(suite.server, s.id)).toMatchObject({ keptBecause: [], leases: [] });
    expectRefusal(
      await suite.server.gql(RENEW, { l: lease.id, ttl: 60 }),
      'INVALID_TRANSITION',
      `Lease ${lease.id} has lapsed (its expiresAt has passed); take a new lease`,
    );
    expect((await ok(suite.server, LEASE, { id: lease.id })).lease.expiresAt).toBe(lease.expiresAt);
    expect(await expired(suite.server, p.id)).toEqual([s.id]);
  });
});

describe('renewLease', () => {
  it('sets expiresAt to now + ttlSeconds for a live lease', async () => {
    const p = await retentionProject(suite.server);
    const s = await activeSnapshot(suite.server, p.id);
    const lease = leased(await leaseSnapshot(suite.server, s.id, 'b', 2));
    const renewed = (await ok(suite.server, RENEW, { l: lease.id, ttl: 7200 })).renewLease;
    expect(renewed).toMatchObject({ id: lease.id, live: true, releasedAt: null, dateCreated: lease.dateCreated });
    expect(seconds(lease.dateCreated, renewed.expiresAt)).toBeGreaterThanOrEqual(7200);
    expect(seconds(lease.dateCreated, renewed.expiresAt)).toBeLessThan(7260);
    const byDefault = (await ok(suite.server, RENEW, { l: lease.id })).renewLease;
    expect(seconds(lease.dateCreated, byDefault.expiresAt)).toBeLessThan(3660);
    // Still live after the first ttl would have run out.
    await sleep(2100);
    expect((await ok(suite.server, LEASE, { id: lease.id })).lease.live).toBe(true);
  });

  it('refuses a released lease, an unknown one, a bad ttl, and a viewer', async () => {
    const p = await retentionProject(suite.server);
    const s = await activeSnapshot(suite.server, p.id);
    const lease = leased(await leaseSnapshot(suite.server, s.id));
    await refused(suite.server, RENEW, { l: lease.id, ttl: 604_801 }, 'BAD_USER_INPUT', '"ttlSeconds" must be from 1 to 604800, got 604801', 'ttlSeconds');
    const unknown = randomUUID();
    await refused(suite.server, RENEW, { l: unknown }, 'NOT_FOUND', noSuch('lease', unknown));
    const viewer = await suite.server.gql(RENEW, { l: lease.id }, bearer(TOKENS.viewer));
    expect([viewer.status, viewer.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
    await ok(suite.server, RELEASE, { l: lease.id });
    await refused(suite.server, RENEW, { l: lease.id }, 'INVALID_TRANSITION', `Lease ${lease.id} was released; take a new lease`);
  });
});

describe('releaseLease', () => {
  it('ends the lease at once; releasing again changes nothing', async () => {
    const p = await retentionProject(suite.server, KEEP_NOTHING);
    const s = await activeSnapshot(suite.server, p.id);
    const lease = leased(await leaseSnapshot(suite.server, s.id));
    const released = (await ok(suite.server, RELEASE, { l: lease.id })).releaseLease;
    expect(released).toMatchObject({ id: lease.id, live: false, expiresAt: lease.expiresAt, releasedAt: expect.any(String) });
    const again = (await ok(suite.server, RELEASE, { l: lease.id })).releaseLease;
    expect(again).toEqual(released);
    expect(await snapshotRetention(suite.server, s.id)).toMatchObject({ keptBecause: [], leases: [] });
    expect(await expired(suite.server, p.id)).toEqual([s.id]);
    // A lease that lapsed can be released too.
    const other = await activeSnapshot(suite.server, p.id);
    const short = leased(await leaseSnapshot(suite.server, other.id, 'b', 1));
    await sleep(1200);
    expect((await ok(suite.server, RELEASE, { l: short.id })).releaseLease).toMatchObject({ live: false, releasedAt: expect.any(String) });
  });

  it('refuses an unknown lease and a viewer', async () => {
    const unknown = randomUUID();
    await refused(suite.server, RELEASE, { l: unknown }, 'NOT_FOUND', noSuch('lease', unknown));
    const viewer = await suite.server.gql(RELEASE, { l: unknown }, bearer(TOKENS.viewer));
    expect([viewer.status, viewer.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('lease(id)', () => {
  it('is null for an unknown id', async () => {
    expect((await ok(suite.server, LEASE, { id: randomUUID() })).lease).toBeNull();
  });
});

describe('live updates', () => {
  let subscriber: Subscriber | null = null;
  afterEach(async () => {
    await subscriber?.close();
    subscriber = null;
  });

  it('taking and releasing a lease tell the snapshot\'s subscribers; renewing and refusals do not', async () => {
    const p = await retentionProject(suite.server);
    const s = await activeCurrentSnapshot(suite.server, p.id);
    subscriber = await subscribe(suite.server, { project: p.id }, undefined, `subscription($project: ID) {
      snapshotChanged(project: $project) { id leases { holder } keptBecause }
    }`);
    const lease = leased(await leaseSnapshot(suite.server, s.id, 'first'));
    await subscriber.waitFor(1);
    await ok(suite.server, RENEW, { l: lease.id });
    expectRefusal(await suite.server.gql(LEASE_CURRENT, { p: p.id, h: 'b', ttl: 0 }), 'BAD_USER_INPUT', '"ttlSeconds" must be from 1 to 604800, got 0', 'ttlSeconds');
    await ok(suite.server, LEASE_CURRENT, { p: p.id, h: 'second' });
    await subscriber.waitFor(2);
    await ok(suite.server, RELEASE, { l: lease.id });
    await subscriber.waitFor(3);
    await ok(suite.server, RELEASE, { l: lease.id });
    await sleep(300);
    expect(subscriber.received.map((r) => r.data?.snapshotChanged)).toEqual([
      { id: s.id, leases: [{ holder: 'first' }], keptBecause: ['CURRENT', 'LEASED', 'NEWEST_ACTIVE', 'RECENT', 'HISTORY'] },
      { id: s.id, leases: [{ holder: 'first' }, { holder: 'second' }], keptBecause: ['CURRENT', 'LEASED', 'NEWEST_ACTIVE', 'RECENT', 'HISTORY'] },
      { id: s.id, leases: [{ holder: 'second' }], keptBecause: ['CURRENT', 'LEASED', 'NEWEST_ACTIVE', 'RECENT', 'HISTORY'] },
    ]);
  });
});
