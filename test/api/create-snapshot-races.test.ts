import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { databaseKind } from '../helpers/database';
import { createPlan, createProject } from '../helpers/factories';
import { ok, operation } from '../helpers/graphql';
import { useServers, type GqlResponse, type TestServer } from '../helpers/test-server';

/**
 * createSnapshot called many times at once through three instances on one
 * database: retries of one build all get its snapshot; builds that name the
 * same job ids, in any order, leave one winner and CONFLICT for the others.
 */
const suite = useServers(3);

interface Created {
  createSnapshot: { id: string; buildId: string | null; images: { plan: { id: string }; jobId: string | null }[] };
}
const CREATE = operation<Created>(`mutation($p: ID!, $b: ID, $i: [SnapshotImageInput!]) {
  createSnapshot(project: $p, buildId: $b, images: $i) { id buildId images { plan { id } jobId } }
}`);
const COUNT = operation<{ snapshots: { totalCount: number } }>('query($p: ID!) { snapshots(project: $p) { totalCount } }');
const JOB_CONFLICT = /^(Job id \S+ is already used by another image|A job id is already used by another image)$/;

const on = (n: number): TestServer => suite.servers[n % suite.servers.length]!;

/** A project with `n` plans; their ids, oldest first. */
async function projectWithPlans(n: number): Promise<{ id: string; plans: string[] }> {
  const project = await createProject(suite.server);
  const plans: string[] = [];
  for (let i = 0; i < n; i++) plans.push((await createPlan(suite.server, project.id)).id);
  return { id: project.id, plans };
}

/** What each answer was: the snapshot's id, or the error's code and message. */
const outcome = (res: GqlResponse<Created>) =>
  res.errors ? `${res.errors[0]!.extensions?.code}: ${res.errors[0]!.message}` : `snapshot ${res.data!.createSnapshot.id}`;

describe('createSnapshot at once, through three instances', () => {
  const ROUNDS = 20;
  const CALLS = 20;

  it(`${CALLS} identical calls with a buildId and job ids, ${ROUNDS} rounds: every call gets the one snapshot, none CONFLICT`, async () => {
    const project = await projectWithPlans(5);
    const answers: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const buildId = randomUUID();
      const images = project.plans.map((plan) => ({ plan, jobId: randomUUID() }));
      // Started a millisecond apart, so that some retries arrive while the first call commits.
      const results = await Promise.all(
        Array.from({ length: CALLS }, (_, n) => delay(n).then(() => on(n).gql(CREATE, { p: project.id, b: buildId, i: images }))),
      );
      const made = results.find((r) => !r.errors)?.data?.createSnapshot;
      expect(made).toEqual({ id: expect.any(String) as unknown, buildId, images: images.map((i) => ({ plan: { id: i.plan }, jobId: i.jobId })) });
      for (const res of results) {
        const answer = outcome(res) === `snapshot ${made!.id}` ? 'the snapshot' : outcome(res).replace(/[0-9a-f-]{36}/g, '<id>');
        answers[answer] = (answers[answer] ?? 0) + 1;
      }
    }
    console.log(`create-snapshot races (${databaseKind()}): answers to ${ROUNDS * CALLS} identical calls: ${JSON.stringify(answers)}`);
    expect(answers).toEqual({ 'the snapshot': ROUNDS * CALLS });
    const data = await ok(suite.server, COUNT, { p: project.id });
    expect(data.snapshots.totalCount).toBe(ROUNDS);
  });

  const COLLISION_ROUNDS = 50;
  const JOBS = 20;

  it(`two builds naming the same ${JOBS} job ids, one in reverse, 3 calls each, ${COLLISION_ROUNDS} rounds: one build wins, every call of the other gets CONFLICT, none a deadlock`, async () => {
    const project = await projectWithPlans(JOBS);
    const losing: Record<string, number> = {};
    const winning: Record<string, number> = {};
    for (let round = 0; round < COLLISION_ROUNDS; round++) {
      const jobs = project.plans.map((plan) => ({ plan, jobId: randomUUID() }));
      const builds = [
        { b: randomUUID(), i: jobs },
        { b: randomUUID(), i: [...jobs].reverse() },
      ];
      const calls = Array.from({ length: 6 }, (_, n) => builds[n % 2]!);
      const results = await Promise.all(calls.map((build, n) => on(n).gql(CREATE, { p: project.id, ...build })));
      const made = results.find((r) => !r.errors)?.data?.createSnapshot;
      expect(made).toEqual(expect.objectContaining({ id: expect.any(String) as unknown }));
      for (const [n, res] of results.entries()) {
        const wins = calls[n]!.b === made!.buildId;
        const answer = wins
          ? outcome(res) === `snapshot ${made!.id}` ? 'the snapshot' : outcome(res).replace(/[0-9a-f-]{36}/g, '<id>')
          : res.errors?.[0]?.extensions?.code === 'CONFLICT' && JOB_CONFLICT.test(res.errors[0]!.message) ? 'CONFLICT' : outcome(res).replace(/[0-9a-f-]{36}/g, '<id>');
        const tally = wins ? winning : losing;
        tally[answer] = (tally[answer] ?? 0) + 1;
      }
    }
    console.log(`create-snapshot races (${databaseKind()}): the winning build's calls: ${JSON.stringify(winning)}; the losing build's: ${JSON.stringify(losing)}`);
    expect({ winning, losing }).toEqual({ winning: { 'the snapshot': COLLISION_ROUNDS * 3 }, losing: { CONFLICT: COLLISION_ROUNDS * 3 } });
    const data = await ok(suite.server, COUNT, { p: project.id });
    expect(data.snapshots.totalCount).toBe(COLLISION_ROUNDS);
  });
});
