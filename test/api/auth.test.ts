import { randomUUID } from 'node:crypto';
import { activeCurrentSnapshot, createPlan, createProject, createSnapshot, setImageStatus, uniqueSlug } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { bearer, startTestServer, TOKENS, type TestServer, useServers } from '../helpers/test-server';

const suite = useServers(1);

type Role = 'anonymous' | 'viewer' | 'scheduler' | 'admin';
const ROLES: Role[] = ['anonymous', 'viewer', 'scheduler', 'admin'];
const headersOf = (role: Role): Record<string, string> => (role === 'anonymous' ? { authorization: '' } : bearer(TOKENS[role]));

/** What each mutation needs, as the API promises it (written out here, not read from the code under test). */
const NEEDS: Record<string, 'scheduler' | 'admin'> = {
  createSnapshot: 'scheduler',
  changeImageStatus: 'scheduler',
  changeSnapshotStatus: 'scheduler',
  snapshotBuildFinished: 'scheduler',
  setCurrentSnapshot: 'scheduler',
  rollbackCurrentSnapshot: 'scheduler',
  invalidateSnapshot: 'scheduler',
  leaseCurrentSnapshot: 'scheduler',
  leaseSnapshot: 'scheduler',
  renewLease: 'scheduler',
  releaseLease: 'scheduler',
  createProject: 'admin',
  createPlan: 'admin',
  setSnapshotPlan: 'admin',
  setPlanStatus: 'admin',
  setRetentionPolicy: 'admin',
  expireSnapshots: 'admin',
};

const expected = (role: Role, needs: 'scheduler' | 'admin'): 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' => {
  if (role === 'anonymous') return 'UNAUTHENTICATED';
  if (role === 'admin' || (role === 'scheduler' && needs === 'scheduler')) return 'ok';
  return 'FORBIDDEN';
};

interface Fixture {
  project: { id: string; slug: string };
  plans: { id: string }[];
  /** ACTIVE, not current: it was, then the current snapshot was cleared (so a rollback returns to it). */
  active: { id: string; buildId: string };
  /** PENDING, images UNKNOWN. */
  pending: { id: string; buildId: string; images: { id: string }[] };
  /** A live lease on the current snapshot. */
  lease: { id: string };
}

/**
 * A project that keeps only what is current or leased, with two plans, an
 * ACTIVE snapshot, a PENDING one, and a leased current one, made with the
 * admin token.
 */
async function fixture(server: TestServer): Promise<Fixture> {
  const project = await createProject(server);
  await ok(server, 'mutation($p: ID!) { setRetentionPolicy(project: $p, keepActive: 0, keepDays: 0, keepHistory: 0) { id } }', { p: project.id });
  const plans = [await createPlan(server, project.id), await createPlan(server, project.id)];
  const active = await createSnapshot(server, project.id, { buildId: randomUUID() });
  for (const image of active.images) await setImageStatus(server, image.id, 'ACTIVE');
  for (const s of [active.id, null]) {
    await ok(server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id } }', { p: project.id, s });
  }
  const pending = await createSnapshot(server, project.id, { buildId: randomUUID() });
  const current = await activeCurrentSnapshot(server, project.id);
  const lease = (await ok(server, 'mutation($s: ID!) { leaseSnapshot(snapshot: $s, holder: "build") { id } }', { s: current.id })).leaseSnapshot;
  return {
    project,
    plans,
    active: { id: active.id, buildId: active.buildId! },
    pending: { id: pending.id, buildId: pending.buildId!, images: pending.images },
    lease,
  };
}

/** Each mutation with arguments that change something when allowed. */
const CALLS: Record<string, (f: Fixture) => [string, Record<string, unknown>]> = {
  createSnapshot: (f) => ['mutation($p: ID!, $b: ID) { createSnapshot(project: $p, buildId: $b) { id } }', { p: f.project.id, b: randomUUID() }],
  changeImageStatus: (f) => ['mutation($i: ID!) { changeImageStatus(image: $i, status: PENDING) { id } }', { i: f.pending.images[0]!.id }],
  changeSnapshotStatus: (f) => ['mutation($s: ID!) { changeSnapshotStatus(snapshot: $s, status: FAILED) { id } }', { s: f.pending.id }],
  snapshotBuildFinished: (f) => ['mutation($b: ID!) { snapshotBuildFinished(build: $b, passed: false) { id } }', { b: f.active.buildId }],
  setCurrentSnapshot: (f) => ['mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id } }', { p: f.project.id, s: f.active.id }],
  rollbackCurrentSnapshot: (f) => ['mutation($p: ID!) { rollbackCurrentSnapshot(project: $p, reason: "test") { id } }', { p: f.project.id }],
  invalidateSnapshot: (f) => ['mutation($s: ID!) { invalidateSnapshot(snapshot: $s, reason: "test") { id } }', { s: f.active.id }],
  createProject: () => ['mutation($s: String!) { createProject(slug: $s, name: "New") { id } }', { s: uniqueSlug('auth') }],
  createPlan: (f) => ['mutation($p: ID!) { createPlan(project: $p, label: "another plan") { id } }', { p: f.project.id }],
  setSnapshotPlan: (f) => ['mutation($a: ID!, $b: ID) { setSnapshotPlan(plan: $a, snapshotPlan: $b) { id } }', { a: f.plans[1]!.id, b: f.plans[0]!.id }],
  setPlanStatus: (f) => ['mutation($a: ID!) { setPlanStatus(plan: $a, status: INACTIVE) { id } }', { a: f.plans[0]!.id }],
  leaseCurrentSnapshot: (f) => ['mutation($p: ID!) { leaseCurrentSnapshot(project: $p, holder: "b") { id } }', { p: f.project.id }],
  leaseSnapshot: (f) => ['mutation($s: ID!) { leaseSnapshot(snapshot: $s, holder: "b") { id } }', { s: f.active.id }],
  renewLease: (f) => ['mutation($l: ID!) { renewLease(lease: $l, ttlSeconds: 60) { id } }', { l: f.lease.id }],
  releaseLease: (f) => ['mutation($l: ID!) { releaseLease(lease: $l) { id } }', { l: f.lease.id }],
  setRetentionPolicy: (f) => ['mutation($p: ID!) { setRetentionPolicy(project: $p, keepActive: 1, keepDays: 2, keepHistory: 3) { id } }', { p: f.project.id }],
  expireSnapshots: (f) => ['mutation($p: ID) { expireSnapshots(project: $p) { dryRun } }', { p: f.project.id }],
};

/** Everything a mutation could change, read back. */
async function state(server: TestServer, f: Fixture, slug?: string): Promise<unknown> {
  return ok(
    server,
    `query($p: ID!, $slug: String!) {
      projects { id }
      byNewSlug: project(slug: $slug) { id }
      project(id: $p) {
        name
        plans { id label status snapshotPlan { id } }
        currentSnapshot { id }
        currentVersion
        retention { keepActive keepDays keepHistory }
        snapshots(first: 100) { totalCount nodes { id status expiredAt leases { id expiresAt } images { id status } } }
      }
    }`,
    { p: f.project.id, slug: slug ?? 'none' },
  );
}

describe('who may run which mutation', () => {
  it('the table covers every mutation of the schema', async () => {
    const data = await ok(suite.server, '{ __type(name: "Mutation") { fields { name } } }');
    expect(data.__type.fields.map((f: { name: string }) => f.name).sort()).toEqual(Object.keys(NEEDS).sort());
  });

  const cases = Object.entries(NEEDS).flatMap(([mutation, needs]) => ROLES.map((role) => ({ mutation, role, outcome: expected(role, needs) })));

  // Refused calls change nothing, so they can share one fixture per mutation; allowed ones get their own.
  const shared = new Map<string, Promise<Fixture>>();

  it.each(cases)('$mutation as $role: $outcome', async ({ mutation, role, outcome }) => {
    const { server } = suite;
    if (outcome !== 'ok' && !shared.has(mutation)) shared.set(mutation, fixture(server));
    const f = outcome === 'ok' ? await fixture(server) : await shared.get(mutation)!;
    const [query, variables] = CALLS[mutation]!(f);
    const before = await state(server, f, variables.s as string);
    const res = await server.gql(query, variables, headersOf(role));
    if (outcome === 'ok') {
      expect(res.errors).toBeUndefined();
      expect(res.data?.[mutation]).toBeTruthy();
      expect(await state(server, f, variables.s as string)).not.toEqual(before);
      return;
    }
    // Refused before execution: HTTP 401 or 403, no data.
    expect(res.status).toBe(outcome === 'UNAUTHENTICATED' ? 401 : 403);
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      {
        message:
          outcome === 'UNAUTHENTICATED'
            ? `${mutation} needs a token of role ${NEEDS[mutation]} or above: send "Authorization: Bearer <token>"`
            : `${mutation} needs role ${NEEDS[mutation]} or above; this token has role ${role}`,
        locations: expect.any(Array),
        path: [mutation],
        extensions: { code: outcome },
      },
    ]);
    expect(await state(server, f, variables.s as string)).toEqual(before);
  });
});

describe('a document with several mutations', () => {
  it('runs none of them when the caller may not run one (aliases and fragments included)', async () => {
    const { server } = suite;
    const f = await fixture(server);
    const slug = uniqueSlug('mixed');
    const before = await state(server, f, slug);
    const documents = [
      `mutation($p: ID!, $s: String!) { createSnapshot(project: $p) { id } createProject(slug: $s, name: "x") { id } }`,
      `mutation($p: ID!, $s: String!) { a: createSnapshot(project: $p) { id } ...Admin }
       fragment Admin on Mutation { ... on Mutation { b: createProject(slug: $s, name: "x") { id } } }`,
      `mutation($p: ID!, $s: String!) { createSnapshot(project: $p) { id } createProject(slug: $s, name: "x") @skip(if: true) { id } }`,
    ];
    for (const query of documents) {
      const res = await server.gql(query, { p: f.project.id, s: slug }, bearer(TOKENS.scheduler));
      expect({ status: res.status, data: res.data, codes: res.errors?.map((e) => e.extensions?.code) }).toEqual({ status: 403, data: undefined, codes: ['FORBIDDEN'] });
    }
    expect(await state(server, f, slug)).toEqual(before);
  });
});

describe('tokens', () => {
  const READ = '{ projects { id } }';

  it('reads are open to anonymous clients and to every role', async () => {
    for (const role of ROLES) expect((await suite.server.gql(READ, {}, headersOf(role))).errors).toBeUndefined();
  });

  it.each([
    ['a token that matches nothing', 'Bearer not-a-known-token-at-all', 'The token matches no known token'],
    ['a known token with one character changed', `Bearer ${TOKENS.admin.slice(0, -1)}X`, 'The token matches no known token'],
    ['a known token with a character more', `Bearer ${TOKENS.admin}1`, 'The token matches no known token'],
    ['another scheme', `Basic ${Buffer.from('admin:x').toString('base64')}`, 'The Authorization header must be "Bearer <token>"'],
    ['"Bearer" alone', 'Bearer', 'The Authorization header must be "Bearer <token>"'],
  ])('%s is UNAUTHENTICATED (HTTP 401), for reads too', async (_what, header, message) => {
    const res = await fetch(suite.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: header },
      body: JSON.stringify({ query: READ }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="snapshot-registry"');
    expect(await res.json()).toEqual({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('takes the scheme in any case', async () => {
    const res = await suite.server.gql(READ, {}, { Authorization: `bearer ${TOKENS.viewer}` });
    expect(res.errors).toBeUndefined();
  });

  it('with ANONYMOUS_READ=false, reads need a token too', async () => {
    const closed = await startTestServer(suite.db.url, { ANONYMOUS_READ: 'false' });
    try {
      const anonymous = await closed.gql(READ, {}, { authorization: '' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await closed.gql(READ, {}, bearer(TOKENS.viewer))).errors).toBeUndefined();
      const viewerWrites = await closed.gql('mutation { createProject(slug: "never-made", name: "x") { id } }', {}, bearer(TOKENS.viewer));
      expect(viewerWrites.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await closed.close();
    }
  });
});
