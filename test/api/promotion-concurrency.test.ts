import { createPlan, createProject } from '../helpers/factories';
import { databaseKind } from '../helpers/database';
import { ok } from '../helpers/graphql';
import { withSql } from '../helpers/sql';
import { type GqlResponse, type TestServer, useServers } from '../helpers/test-server';

/**
 * Three server instances (each its own connection pool) on one database.
 * Moves of one project's current snapshot that name the same ifVersion never
 * both succeed, and versions count up with no gaps and no repeats.
 */
const suite = useServers(3);

const ROUNDS = 20;
const CALLERS = 10;

const on = (n: number): TestServer => suite.servers[n % suite.servers.length]!;

const SET = `mutation($p: ID!, $s: ID, $v: Int) {
  setCurrentSnapshot(project: $p, snapshot: $s, ifVersion: $v) { currentVersion currentSnapshot { id } }
}`;
const HISTORY = `query($p: ID!) {
  project(id: $p) {
    currentVersion
    currentSnapshot { id }
    currentHistory(first: 100) { totalCount nodes { version kind from { id } to { id } } }
  }
}`;

/**
 * `count` ACTIVE snapshots of the project, oldest first, made in one
 * statement (how they became ACTIVE is not what these tests are about).
 */
async function activeSnapshots(projectId: string, count: number): Promise<string[]> {
  return withSql(suite.db.url, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO snapshot (project_id, status, date_created)
       SELECT $1, 1, clock_timestamp() + n * interval '1 millisecond' FROM generate_series(1, $2) AS n
       RETURNING id, date_created`,
      [projectId, count],
    );
    return rows.map((r) => r.id);
  });
}

async function newProject() {
  const p = await createProject(suite.server);
  await createPlan(suite.server, p.id);
  return p;
}

describe('compare-and-set across three instances', () => {
  it(`${ROUNDS} rounds of ${CALLERS} concurrent setCurrentSnapshot calls with the same ifVersion: exactly one wins each round`, async () => {
    const p = await newProject();
    const snapshots = await activeSnapshots(p.id, ROUNDS * CALLERS);
    const winners: string[] = [];
    const perRound: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const names = snapshots.slice(round * CALLERS, (round + 1) * CALLERS);
      const results: GqlResponse[] = await Promise.all(names.map((s, i) => on(round + i).gql(SET, { p: p.id, s, v: round })));
      const won = results.flatMap((res, i) => (res.errors ? [] : [i]));
      expect(won).toHaveLength(1);
      const winner = names[won[0]!]!;
      expect(results[won[0]!]!.data!.setCurrentSnapshot).toEqual({ currentVersion: round + 1, currentSnapshot: { id: winner } });
      const losers = results.filter((res) => res.errors);
      expect(losers).toHaveLength(CALLERS - 1);
      for (const res of losers) {
        expect(res.errors).toEqual([
          {
            message: `Project ${p.slug} is at version ${round + 1}, not ${round}: its current snapshot changed since`,
            locations: expect.any(Array),
            path: ['setCurrentSnapshot'],
            extensions: { code: 'CONFLICT', currentVersion: round + 1 },
          },
        ]);
      }
      winners.push(winner);
      perRound.push(`${round + 1}:${won.length}/${losers.length}`);
    }
    const data = (await ok(suite.servers[1]!, HISTORY, { p: p.id })).project;
    expect(data.currentVersion).toBe(ROUNDS);
    expect(data.currentSnapshot).toEqual({ id: winners.at(-1) });
    expect(data.currentHistory.totalCount).toBe(ROUNDS);
    const nodes = [...data.currentHistory.nodes].reverse();
    expect(nodes.map((c: { version: number }) => c.version)).toEqual(Array.from({ length: ROUNDS }, (_, n) => n + 1));
    expect(nodes.map((c: { to: { id: string } }) => c.to.id)).toEqual(winners);
    expect(nodes.map((c: { from: { id: string } | null }) => c.from?.id ?? null)).toEqual([null, ...winners.slice(0, -1)]);
    expect(nodes.every((c: { kind: string }) => c.kind === 'SET')).toBe(true);
    console.log(
      `promotion concurrency (${databaseKind()}): ${ROUNDS} rounds of ${CALLERS} setCurrentSnapshot calls with one ifVersion across ` +
        `${suite.servers.length} instances; per round won/CONFLICT: ${perRound.join(' ')}; history versions 1..${nodes.length}, no gaps`,
    );
  });

  it('without ifVersion, concurrent calls all succeed and each gets its own version: no gaps, no repeats, one chain', async () => {
    const p = await newProject();
    const snapshots = await activeSnapshots(p.id, CALLERS);
    const results = await Promise.all(snapshots.map((s, i) => on(i).gql(SET, { p: p.id, s })));
    expect(results.filter((r) => r.errors)).toEqual([]);
    const versions = results.map((r) => r.data!.setCurrentSnapshot.currentVersion).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: CALLERS }, (_, n) => n + 1));
    const nodes = [...(await ok(suite.server, HISTORY, { p: p.id })).project.currentHistory.nodes].reverse();
    // Each change starts where the one before it ended.
    nodes.forEach((c: { from: { id: string } | null; to: { id: string } }, n: number) => {
      expect(c.from?.id ?? null).toBe(n === 0 ? null : nodes[n - 1].to.id);
    });
    expect(new Set(nodes.map((c: { to: { id: string } }) => c.to.id)).size).toBe(CALLERS);
  });

  it('concurrent rollbacks with the same ifVersion: one goes back, the others get CONFLICT', async () => {
    const p = await newProject();
    const snapshots = await activeSnapshots(p.id, 6);
    for (const s of snapshots) await ok(suite.server, SET, { p: p.id, s });
    const rollback = `mutation($p: ID!, $v: Int) { rollbackCurrentSnapshot(project: $p, reason: "race", ifVersion: $v) { currentVersion currentSnapshot { id } } }`;
    for (let round = 0; round < 3; round++) {
      const version = 6 + round;
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => on(round + i).gql(rollback, { p: p.id, v: version })));
      const won = results.filter((r) => !r.errors);
      expect(won.map((r) => r.data!.rollbackCurrentSnapshot)).toEqual([{ currentVersion: version + 1, currentSnapshot: { id: snapshots[4 - round] } }]);
      expect(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions)).toEqual(Array(4).fill({ code: 'CONFLICT', currentVersion: version + 1 }));
    }
    const data = (await ok(suite.server, HISTORY, { p: p.id })).project;
    expect(data.currentHistory.nodes.map((c: { version: number; kind: string }) => `${c.version}:${c.kind}`)).toEqual([
      '9:ROLLBACK', '8:ROLLBACK', '7:ROLLBACK', '6:SET', '5:SET', '4:SET', '3:SET', '2:SET', '1:SET',
    ]);
  });
});
