import { randomUUID } from 'node:crypto';
import { type ChangedImage, createPlan, createProject, createSnapshot, SNAPSHOT_FIELDS, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { expectRefusal } from '../helpers/refusals';
import { createTestDatabase, databaseKind } from '../helpers/database';
import { startTestServer, useServers, type GqlResponse, type TestServer } from '../helpers/test-server';

/**
 * Three server instances (each its own connection pool) on one database.
 * Changes to the images of one snapshot, from any of them, end as if made one
 * by one; of two conflicting changes to one image exactly one wins.
 */
const suite = useServers(3);

const ROUNDS = 30;
const IMAGES = 12;
const CONFLICT_ROUNDS = 10;

const on = (n: number): TestServer => suite.servers[n % suite.servers.length]!;
const snapshotState = async (id: string) =>
  (await ok<{ snapshot: { status: string; images: { status: string }[] } }>(suite.server, 'query($s: ID!) { snapshot(id: $s) { status images { status } } }', { s: id })).snapshot;

function changed(res: GqlResponse<ChangedImage>) {
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.changeImageStatus;
}

describe('three instances on one database', () => {
  it(`set twelve images ACTIVE at once, ${ROUNDS} rounds: the snapshot ends ACTIVE every round`, async () => {
    const project = await createProject(suite.server);
    for (let i = 0; i < IMAGES; i++) await createPlan(suite.server, project.id);
    for (let round = 0; round < ROUNDS; round++) {
      const s = await createSnapshot(on(round), project.id, { buildId: randomUUID() });
      expect(s.images).toHaveLength(IMAGES);
      if (round % 2 === 1) {
        // Every other round, the images first go PENDING, all at once too.
        const pending = await Promise.all(s.images.map((image, i) => setImageStatus(on(i + round), image.id, 'PENDING')));
        expect(pending.map((r) => changed(r).snapshot.status)).toEqual(Array(IMAGES).fill('PENDING'));
      }
      const results = (await Promise.all(s.images.map((image, i) => setImageStatus(on(i + round), image.id, 'ACTIVE')))).map(changed);
      expect(results.map((r) => r.status)).toEqual(Array(IMAGES).fill('ACTIVE'));
      // One by one: only the change that made the last image ACTIVE saw them all ACTIVE.
      expect(results.filter((r) => r.snapshot.status === 'ACTIVE')).toHaveLength(1);
      expect(results.filter((r) => r.snapshot.status === 'PENDING')).toHaveLength(IMAGES - 1);
      expect(await snapshotState(s.id)).toEqual({ status: 'ACTIVE', images: Array(IMAGES).fill({ status: 'ACTIVE' }) });
    }
    console.log(`concurrency: ${ROUNDS} rounds of ${IMAGES} images set ACTIVE at once across ${suite.servers.length} instances`);
  });

  it.each(['UNKNOWN', 'PENDING'])(`give exactly one winner of ACTIVE and FAILED sent at once for one image from %s, ${CONFLICT_ROUNDS} rounds`, async (from) => {
    const project = await createProject(suite.server);
    await createPlan(suite.server, project.id);
    const wins: Record<string, number> = { ACTIVE: 0, FAILED: 0 };
    for (let round = 0; round < CONFLICT_ROUNDS; round++) {
      const s = await createSnapshot(suite.server, project.id);
      const image = s.images[0]!.id;
      if (from === 'PENDING') await setImageStatus(suite.server, image, 'PENDING');
      const wanted = round % 2 ? ['ACTIVE', 'FAILED'] : ['FAILED', 'ACTIVE'];
      const results = await Promise.all(wanted.map((status, i) => setImageStatus(on(round + i), image, status)));
      const winners = results.filter((r) => !r.errors);
      expect(winners).toHaveLength(1);
      const winner = changed(winners[0]!).status;
      const loser = wanted.find((w) => w !== winner)!;
      expectRefusal(results.find((r) => r.errors)!, 'INVALID_TRANSITION', `An image cannot go from ${winner} to ${loser}`);
      wins[winner]!++;
      expect(await snapshotState(s.id)).toEqual({ status: winner, images: [{ status: winner }] });
    }
    expect(wins.ACTIVE! + wins.FAILED!).toBe(CONFLICT_ROUNDS);
    console.log(`concurrency: ${CONFLICT_ROUNDS} rounds of ACTIVE vs FAILED from ${from}: exactly one winner each round (ACTIVE ${wins.ACTIVE}, FAILED ${wins.FAILED})`);
  });

  it('make one snapshot of a build created from all three at once', async () => {
    const project = await createProject(suite.server);
    await createPlan(suite.server, project.id);
    for (let round = 0; round < 5; round++) {
      const buildId = randomUUID();
      const made = await Promise.all(suite.servers.map((server) => createSnapshot(server, project.id, { buildId })));
      expect(new Set(made.map((s) => s.id)).size).toBe(1);
    }
    const data = await ok<{ snapshots: { totalCount: number } }>(suite.server, 'query($p: ID!) { snapshots(project: $p) { totalCount } }', { p: project.id });
    expect(data.snapshots.totalCount).toBe(5);
  });

  it('give a job id sent with different builds at once to exactly one of them; the others get CONFLICT', async () => {
    const project = await createProject(suite.server);
    const plan = await createPlan(suite.server, project.id);
    const jobId = randomUUID();
    const results = await Promise.all(
      suite.servers.map((server) =>
        server.gql(`mutation($p: ID!, $b: ID, $i: [SnapshotImageInput!]) { createSnapshot(project: $p, buildId: $b, images: $i) { ${SNAPSHOT_FIELDS} } }`, {
          p: project.id,
          b: randomUUID(),
          i: [{ plan: plan.id, jobId }],
        }),
      ),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const refused of results.filter((r) => r.errors)) {
      expect(refused.errors![0]!.extensions?.code).toBe('CONFLICT');
      expect(refused.errors![0]!.message).toMatch(/^(Job id [0-9a-f-]{36} is already used by another image|A job id is already used by another image)$/);
    }
  });

  it('never build a chain of snapshot plans from two changes at once', async () => {
    const project = await createProject(suite.server);
    const SET = 'mutation($p: ID!, $l: ID) { setSnapshotPlan(plan: $p, snapshotPlan: $l) { id } }';
    for (let round = 0; round < 5; round++) {
      const [a, b, c] = [await createPlan(suite.server, project.id), await createPlan(suite.server, project.id), await createPlan(suite.server, project.id)];
      const results = await Promise.all([on(round).gql(SET, { p: a.id, l: b.id }), on(round + 1).gql(SET, { p: b.id, l: c.id })]);
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.find((r) => r.errors)!.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('instances started at once on a fresh database', () => {
  // The embedded database belongs to one process (DATA_DIR is guarded), and PGlite is one
  // backend whose advisory locks every connection shares: starting several at once is a
  // PostgreSQL server's case only.
  const onServer = databaseKind() === 'postgres' ? it : it.skip;
  onServer('all come up (the migrations run once, under a lock) and serve', async () => {
    const db = await createTestDatabase();
    const servers: TestServer[] = [];
    try {
      const started = await Promise.allSettled([0, 1, 2].map(() => startTestServer(db.url)));
      for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
      expect(started.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const project = await createProject(servers[0]!);
      for (const server of servers) {
        expect((await ok<{ project: unknown }>(server, 'query($p: ID) { project(id: $p) { id } }', { p: project.id })).project).toEqual({ id: project.id });
      }
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await db.drop();
    }
  });
});
