import { databaseKind } from '../helpers/database';
import { activeCurrentSnapshot, createPlan, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok, operation } from '../helpers/graphql';
import { statementsWhile } from '../helpers/sql';
import { useServers } from '../helpers/test-server';

const suite = useServers(1);

const DASHBOARD = `query($first: Int!) {
  snapshots(first: $first, state: ALL) {
    totalCount
    nodes {
      project { slug currentSnapshot { id } }
      isCurrent
      images { status plan { label snapshotPlan { label } } }
    }
  }
}`;

interface DashboardPage {
  snapshots: { totalCount: number; nodes: { images: { plan: { snapshotPlan: { label: string } | null } }[] }[] };
}

/** The statements one operation ran on the server. */
async function statementsOf(query: string, variables: Record<string, unknown>): Promise<string[]> {
  return statementsWhile(suite.server, () => ok(suite.server, query, variables));
}

describe('SQL statements per operation', () => {
  beforeAll(async () => {
    // Three projects, each with a plan that borrows another's images, 40 snapshots in all.
    const { server } = suite;
    for (let n = 0; n < 3; n++) {
      const p = await createProject(server);
      const own = await createPlan(server, p.id);
      await createPlan(server, p.id);
      const borrower = await createPlan(server, p.id, { snapshotPlan: own.id });
      for (let s = 0; s < 13 + n; s++) {
        if (s === 0) await activeCurrentSnapshot(server, p.id);
        else await createSnapshot(server, p.id);
      }
      // An image for the borrowing plan too, so that snapshotPlan is resolved on the page.
      await ok(server, 'mutation($id: ID!) { setSnapshotPlan(plan: $id, snapshotPlan: null) { id } }', { id: borrower.id });
      await createSnapshot(server, p.id);
      await ok(server, 'mutation($id: ID!, $to: ID) { setSnapshotPlan(plan: $id, snapshotPlan: $to) { id } }', { id: borrower.id, to: own.id });
    }
  });

  it('a dashboard page runs the same few statements for 1, 10 and 100 snapshots', async () => {
    const counts: Record<number, number> = {};
    for (const first of [1, 10, 100]) {
      const statements = await statementsOf(DASHBOARD, { first });
      counts[first] = statements.length;
    }
    console.log(`dashboard page statements by page size (${databaseKind()}): ${JSON.stringify(counts)}`);
    // page (with isCurrent, and its images with their plans: the query asks for them),
    // count, projects, current snapshots;
    // the snapshot plans are plans already read with images on the same page.
    expect(counts).toEqual({ 1: 4, 10: 4, 100: 4 });
  });

  it('a dashboard page runs these statements, whatever its size', async () => {
    // The text of each statement, as the server sent it (values are parameters).
    const statements = await statementsOf(DASHBOARD, { first: 10 });
    expect(await statementsOf(DASHBOARD, { first: 100 })).toEqual(statements);
    expect(statements).toMatchSnapshot();
  });

  it('the page really holds 100 snapshots with their images', async () => {
    const data = await ok<DashboardPage>(suite.server, DASHBOARD, { first: 100 });
    expect(data.snapshots.totalCount).toBe(45);
    expect(data.snapshots.nodes).toHaveLength(45);
    const borrowed = data.snapshots.nodes.flatMap((n) => n.images).filter((i) => i.plan.snapshotPlan);
    expect(borrowed).toHaveLength(3);
  });

  /** A project's page of snapshots as NESTED, ALONE and the projects' listing ask for it. */
  interface ProjectPage {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; images: { status: string; plan: { label: string } }[] }[];
  }
  const NESTED = operation<{ snapshots: { nodes: { id: string; project: { id: string; snapshots: ProjectPage } }[] } }>(`query($first: Int!, $nested: Int!, $state: SnapshotState) {
    snapshots(first: $first, state: ALL) {
      nodes { id project { id snapshots(first: $nested, state: $state) { totalCount pageInfo { hasNextPage endCursor } nodes { id images { status plan { label } } } } } }
    }
  }`);
  const ALONE = operation<{ snapshots: ProjectPage }>(`query($p: ID!, $nested: Int!, $state: SnapshotState, $after: String) {
    snapshots(project: $p, first: $nested, state: $state, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id images { status plan { label } } } }
  }`);

  it('Project.snapshots under a listing of 45 snapshots: one statement for all their pages and one for all their counts', async () => {
    const statements = await statementsOf(NESTED, { first: 45, nested: 3, state: 'ALL' });
    console.log(`nested listing statements (${databaseKind()}): ${statements.length}`);
    // the listing's page, the projects, every project's page (with images and plans), every project's count.
    expect(statements).toHaveLength(4);
    const data = await ok(suite.server, NESTED, { first: 45, nested: 3, state: 'ALL' });
    expect(data.snapshots.nodes).toHaveLength(45);
    for (const { project } of data.snapshots.nodes) {
      const alone = await ok(suite.server, ALONE, { p: project.id, nested: 3, state: 'ALL' });
      expect(project.snapshots).toEqual(alone.snapshots);
      expect(project.snapshots.nodes).toHaveLength(3);
    }
  });

  it('every project\'s nested page, in every state, after a cursor, is the page its own listing gives', async () => {
    const { projects } = await ok(
      suite.server,
      operation<{ projects: { id: string; snapshots: { pageInfo: { endCursor: string | null } } }[] }>('{ projects { id snapshots(first: 5) { pageInfo { endCursor } } } }'),
    );
    const query = operation<{ projects: { id: string; snapshots: ProjectPage }[] }>(`query($after: String, $state: SnapshotState) { projects { id snapshots(first: 4, state: $state, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id images { status plan { label } } } } } }`);
    for (const state of ['ALL', 'VALID', 'INVALID', 'EXPIRED']) {
      for (const project of projects) {
        const after = project.snapshots.pageInfo.endCursor;
        suite.server.queries.clear();
        const nested = (await ok(suite.server, query, { after, state })).projects;
        // projects, their pages, their counts.
        expect(suite.server.queries.statements).toHaveLength(3);
        const mine = nested.find((p) => p.id === project.id)!.snapshots;
        expect(mine).toEqual((await ok(suite.server, ALONE, { p: project.id, nested: 4, state, after })).snapshots);
      }
    }
  });

  it('currentSnapshot(project) is one statement, by slug or by id, set or not', async () => {
    const p = await createProject(suite.server);
    await createPlan(suite.server, p.id);
    const snapshot = await createSnapshot(suite.server, p.id);
    const query = 'query($p: ID!) { currentSnapshot(project: $p) { id status } }';
    expect(await statementsOf(query, { p: p.slug })).toHaveLength(1);
    await setImageStatus(suite.server, snapshot.images[0]!.id, 'ACTIVE');
    await ok(suite.server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id } }', { p: p.id, s: snapshot.id });
    expect(await statementsOf(query, { p: p.id })).toHaveLength(1);
    expect((await ok<{ currentSnapshot: unknown }>(suite.server, query, { p: p.slug })).currentSnapshot).toEqual({ id: snapshot.id, status: 'ACTIVE' });
  });

  it('changeImageStatus uses at most six statements, BEGIN and COMMIT included', async () => {
    const p = await createProject(suite.server);
    await createPlan(suite.server, p.id);
    await createPlan(suite.server, p.id);
    const snapshot = await createSnapshot(suite.server, p.id);
    const statements = await statementsOf(
      'mutation($i: ID!) { changeImageStatus(image: $i, status: ACTIVE) { id status } }',
      { i: snapshot.images[0]!.id },
    );
    console.log(`changeImageStatus statements (${databaseKind()}): ${statements.length}: ${statements.map((s) => s.split(/\s+/).slice(0, 2).join(' ')).join(' | ')}`);
    expect(statements[0]).toMatch(/^START TRANSACTION|^BEGIN/);
    expect(statements.at(-1)).toBe('COMMIT');
    expect(statements.length).toBeLessThanOrEqual(6);
  });
});
