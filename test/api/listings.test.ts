import { randomUUID } from 'node:crypto';
import { createPlan, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { expectRefusal, refused } from '../helpers/refusals';
import { withSql } from '../helpers/sql';
import { useServers } from '../helpers/test-server';

/**
 * Listings: snapshots newest first with opaque cursors, page sizes 1 to 100,
 * totalCount, state filters and their defaults; images and plans oldest first.
 */
const suite = useServers(1);

const QUERY_PAGE = `query($p: ID, $first: Int, $after: String, $state: SnapshotState) {
  snapshots(project: $p, first: $first, after: $after, state: $state) {
    totalCount edges { cursor node { id status } } nodes { id } pageInfo { hasNextPage endCursor }
  }
}`;
const PROJECT_PAGE = `query($p: ID, $first: Int, $after: String, $state: SnapshotState) {
  project(id: $p) { snapshots(first: $first, after: $after, state: $state) {
    totalCount edges { cursor node { id status } } nodes { id } pageInfo { hasNextPage endCursor }
  } }
}`;

type Page = { totalCount: number; edges: { cursor: string; node: { id: string; status: string } }[]; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

async function queryPage(variables: Record<string, unknown>): Promise<Page> {
  return (await ok(suite.server, QUERY_PAGE, variables)).snapshots;
}
async function projectPage(variables: Record<string, unknown>): Promise<Page> {
  return (await ok(suite.server, PROJECT_PAGE, variables)).project.snapshots;
}
const ids = (page: Page) => page.edges.map((e) => e.node.id);

/** A project with one plan, and `n` snapshots of it, oldest first. */
async function projectWithSnapshots(n: number) {
  const project = await createProject(suite.server);
  await createPlan(suite.server, project.id);
  const snapshots: string[] = [];
  for (let i = 0; i < n; i++) snapshots.push((await createSnapshot(suite.server, project.id)).id);
  return { project, snapshots };
}

/** Every page of a listing, `first` at a time. */
async function walk(list: (v: Record<string, unknown>) => Promise<Page>, variables: Record<string, unknown>, first: number) {
  const pages: Page[] = [];
  let after: string | null = null;
  do {
    const page = await list({ ...variables, first, after });
    pages.push(page);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return pages;
}

describe('snapshot listings', () => {
  it('are newest first, in Query.snapshots and Project.snapshots', async () => {
    const { project, snapshots } = await projectWithSnapshots(5);
    const newestFirst = [...snapshots].reverse();
    expect(ids(await queryPage({ p: project.id }))).toEqual(newestFirst);
    expect(ids(await projectPage({ p: project.id }))).toEqual(newestFirst);
  });

  it('page with cursors: edges and nodes agree, endCursor is the last edge, hasNextPage is right', async () => {
    const { project, snapshots } = await projectWithSnapshots(5);
    const newestFirst = [...snapshots].reverse();
    for (const list of [queryPage, projectPage]) {
      const pages = await walk(list, { p: project.id }, 2);
      expect(pages.map(ids)).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
      for (const page of pages) {
        expect(page.nodes).toEqual(page.edges.map((e) => ({ id: e.node.id })));
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
        expect(page.totalCount).toBe(5);
      }
      expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
      // The cursor of any edge continues right after that edge.
      const middle = pages[0]!.edges[0]!.cursor;
      expect(ids(await list({ p: project.id, first: 10, after: middle }))).toEqual(newestFirst.slice(1));
    }
  });

  it('keep their place while snapshots are added between pages', async () => {
    const { project, snapshots } = await projectWithSnapshots(5);
    const newestFirst = [...snapshots].reverse();
    const first = await queryPage({ p: project.id, first: 2 });
    expect(ids(first)).toEqual(newestFirst.slice(0, 2));
    const added: string[] = [];
    for (let i = 0; i < 3; i++) added.push((await createSnapshot(suite.server, project.id)).id);
    const second = await queryPage({ p: project.id, first: 2, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(newestFirst.slice(2, 4));
    expect(second.totalCount).toBe(8);
    const third = await queryPage({ p: project.id, first: 2, after: second.pageInfo.endCursor });
    expect(ids(third)).toEqual(newestFirst.slice(4));
    expect(third.pageInfo.hasNextPage).toBe(false);
    // A fresh listing starts with the new ones.
    expect(ids(await queryPage({ p: project.id, first: 3 }))).toEqual([...added].reverse());
  });

  it('give an empty last page with no endCursor after the last snapshot', async () => {
    const { project } = await projectWithSnapshots(2);
    const all = await queryPage({ p: project.id, first: 2 });
    expect(all.pageInfo.hasNextPage).toBe(false);
    const after = await queryPage({ p: project.id, first: 2, after: all.pageInfo.endCursor });
    expect(after).toEqual({ totalCount: 2, edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('order snapshots created in the same microsecond by id, and page through them without loss', async () => {
    const project = await createProject(suite.server);
    const same = Array.from({ length: 7 }, () => randomUUID());
    await withSql(suite.db.url, (c) =>
      c.query(
        `INSERT INTO snapshot (id, project_id, status, date_created)
         SELECT id, $2, 4, timestamptz '2030-01-01 00:00:00.123456+00' FROM unnest($1::uuid[]) AS t (id)`,
        [same, project.id],
      ),
    );
    const expected = [...same].sort().reverse();
    expect(ids(await queryPage({ p: project.id, first: 100 }))).toEqual(expected);
    for (const first of [1, 2, 3]) {
      expect((await walk(queryPage, { p: project.id }, first)).flatMap(ids)).toEqual(expected);
    }
  });

  it('order by the database clock to the microsecond, not to the millisecond', async () => {
    const project = await createProject(suite.server);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()].sort();
    // c is the oldest (smallest micros) though its id is the largest; a the newest.
    await withSql(suite.db.url, (client) =>
      client.query(
        `INSERT INTO snapshot (id, project_id, status, date_created) VALUES
           ($1, $4, 4, timestamptz '2031-01-01 00:00:00.000003+00'),
           ($2, $4, 4, timestamptz '2031-01-01 00:00:00.000002+00'),
           ($3, $4, 4, timestamptz '2031-01-01 00:00:00.000001+00')`,
        [a, b, c, project.id],
      ),
    );
    expect(ids(await queryPage({ p: project.id }))).toEqual([a, b, c]);
    expect((await walk(queryPage, { p: project.id }, 1)).flatMap(ids)).toEqual([a, b, c]);
  });

  it('take first from 1 to 100, 20 by default', async () => {
    const { project, snapshots } = await projectWithSnapshots(22);
    expect(ids(await queryPage({ p: project.id }))).toHaveLength(20);
    expect(ids(await queryPage({ p: project.id, first: null }))).toHaveLength(20);
    expect(ids(await projectPage({ p: project.id }))).toHaveLength(20);
    expect(ids(await queryPage({ p: project.id, first: 1 }))).toEqual([snapshots.at(-1)]);
    expect(ids(await queryPage({ p: project.id, first: 100 }))).toHaveLength(22);
  });

  it.each([0, -1, 101, 1000])('refuse first: %p as BAD_USER_INPUT', async (first) => {
    const { project } = await projectWithSnapshots(1);
    const message = `"first" must be from 1 to 100, got ${first}`;
    expectRefusal(await suite.server.gql(QUERY_PAGE, { p: project.id, first }), 'BAD_USER_INPUT', message, 'first');
    expectRefusal(await suite.server.gql(PROJECT_PAGE, { p: project.id, first }), 'BAD_USER_INPUT', message, 'first');
  });

  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const id = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  const foreign: [string, string][] = [
    ['empty', ''],
    ['not base64', '!!!'],
    ['a word', 'abc'],
    ['a UUID', id],
    ['another version', b64(`v2:1764028800123456:${id}`)],
    ['micros not a number', b64(`v1:soon:${id}`)],
    ['id not a UUID', b64('v1:1764028800123456:nope')],
    ['id not canonical', b64(`v1:1764028800123456:${id.toUpperCase()}`)],
    ['trailing parts', b64(`v1:1764028800123456:${id}:x`)],
    ['padded base64', Buffer.from(`v1:1764028800123456:${id}`).toString('base64') + '=='],
    ['a NUL character', `a\u0000b`],
    ['micros beyond bigint', b64(`v1:9999999999999999999:${id}`)],
    ['micros before any timestamp', b64(`v1:-300000000000000000:${id}`)],
    ['micros one before the first timestamp', b64(`v1:-210866803200000001:${id}`)],
    ['micros one past the largest bigint', b64(`v1:9223372036854775808:${id}`)],
  ];
  it.each(foreign)('refuse a cursor that is not one of ours (%s) as BAD_USER_INPUT', async (_name, after) => {
    const { project } = await projectWithSnapshots(1);
    const message = '"after" is not a cursor this server gave out';
    expectRefusal(await suite.server.gql(QUERY_PAGE, { p: project.id, after }), 'BAD_USER_INPUT', message, 'after');
    expectRefusal(await suite.server.gql(PROJECT_PAGE, { p: project.id, after }), 'BAD_USER_INPUT', message, 'after');
  });

  it('take a cursor made by hand at either end of what PostgreSQL\'s timestamps hold: everything after the latest, nothing after the earliest', async () => {
    const { project, snapshots } = await projectWithSnapshots(2);
    for (const list of [queryPage, projectPage]) {
      expect(ids(await list({ p: project.id, after: b64(`v1:9223372036854775807:${id}`) }))).toEqual([snapshots[1], snapshots[0]]);
      expect(ids(await list({ p: project.id, after: b64(`v1:-210866803200000000:${id}`) }))).toEqual([]);
    }
  });

  it('take a cursor of ours made by hand only when it is exactly the form we give out', async () => {
    const { project, snapshots } = await projectWithSnapshots(3);
    const page = await queryPage({ p: project.id, first: 1 });
    const cursor = page.pageInfo.endCursor!;
    expect(Buffer.from(cursor, 'base64url').toString()).toMatch(/^v1:\d+:[0-9a-f-]{36}$/);
    expect(ids(await queryPage({ p: project.id, after: cursor }))).toEqual([snapshots[1], snapshots[0]]);
  });
});

describe('state filters and totalCount', () => {
  let project: { id: string; slug: string };
  const made: Record<string, string> = {};

  beforeAll(async () => {
    project = await createProject(suite.server);
    await createPlan(suite.server, project.id);
    for (const status of ['PENDING', 'ACTIVE', 'FAILED', 'INVALIDATED', 'INVALIDATED2']) {
      const s = await createSnapshot(suite.server, project.id);
      const image = s.images[0]!.id;
      if (status !== 'PENDING') await setImageStatus(suite.server, image, status === 'FAILED' ? 'FAILED' : 'ACTIVE');
      if (status.startsWith('INVALIDATED')) await setImageStatus(suite.server, image, 'INVALIDATED');
      made[status] = s.id;
    }
  });

  const newestFirst = (...keys: string[]) => keys.map((k) => made[k]).reverse();

  it('Query.snapshots is VALID by default: everything but INVALIDATED', async () => {
    const page = await queryPage({ p: project.id });
    expect(ids(page)).toEqual(newestFirst('PENDING', 'ACTIVE', 'FAILED'));
    expect(page.totalCount).toBe(3);
    expect(await queryPage({ p: project.id, state: 'VALID' })).toEqual(page);
  });

  it('Project.snapshots is ALL by default', async () => {
    const page = await projectPage({ p: project.id });
    expect(ids(page)).toEqual(newestFirst('PENDING', 'ACTIVE', 'FAILED', 'INVALIDATED', 'INVALIDATED2'));
    expect(page.totalCount).toBe(5);
    expect(await projectPage({ p: project.id, state: 'ALL' })).toEqual(page);
  });

  it('INVALID gives only INVALIDATED snapshots, in both', async () => {
    for (const list of [queryPage, projectPage]) {
      const page = await list({ p: project.id, state: 'INVALID' });
      expect(ids(page)).toEqual(newestFirst('INVALIDATED', 'INVALIDATED2'));
      expect(page.edges.every((e) => e.node.status === 'INVALIDATED')).toBe(true);
      expect(page.totalCount).toBe(2);
    }
    expect(ids(await projectPage({ p: project.id, state: 'VALID' }))).toEqual(newestFirst('PENDING', 'ACTIVE', 'FAILED'));
    expect(ids(await queryPage({ p: project.id, state: 'ALL' }))).toHaveLength(5);
  });

  it('totalCount counts all pages, and paging keeps to the filter', async () => {
    const pages = await walk(queryPage, { p: project.id, state: 'ALL' }, 2);
    expect(pages.map((p) => p.totalCount)).toEqual([5, 5, 5]);
    expect(pages.flatMap(ids)).toEqual(newestFirst('PENDING', 'ACTIVE', 'FAILED', 'INVALIDATED', 'INVALIDATED2'));
    const invalid = await walk(queryPage, { p: project.id, state: 'INVALID' }, 1);
    expect(invalid.flatMap(ids)).toEqual(newestFirst('INVALIDATED', 'INVALIDATED2'));
  });

  it('Query.snapshots without a project lists every project, newest first', async () => {
    const other = await createProject(suite.server);
    await createPlan(suite.server, other.id);
    const latest = await createSnapshot(suite.server, other.id);
    const all = await walk(queryPage, { state: 'ALL' }, 100);
    const listed = all.flatMap(ids);
    expect(listed).toEqual(expect.arrayContaining(Object.values(made)));
    // Snapshots stored with future dates by other tests come first; among the rest, the latest leads.
    for (const earlier of Object.values(made)) expect(listed.indexOf(latest.id)).toBeLessThan(listed.indexOf(earlier));
    expect(new Set(listed).size).toBe(listed.length);
    expect(all[0]!.totalCount).toBe(listed.length);
    const valid = await queryPage({ first: 100 });
    expect(valid.totalCount).toBe(listed.length - (await queryPage({ state: 'INVALID', first: 100 })).totalCount);
  });
});

describe('images and plans', () => {
  it('list a snapshot\'s images oldest first (in the order they were given)', async () => {
    const project = await createProject(suite.server);
    const plans = [await createPlan(suite.server, project.id), await createPlan(suite.server, project.id), await createPlan(suite.server, project.id)];
    const order = [plans[1]!, plans[2]!, plans[0]!];
    const s = await createSnapshot(suite.server, project.id, { images: order.map((p) => ({ plan: p.id })) });
    const data = await ok(suite.server, 'query($s: ID!) { snapshot(id: $s) { images { id dateCreated plan { id } } } }', { s: s.id });
    const images = data.snapshot.images;
    expect(images.map((i: any) => i.plan.id)).toEqual(order.map((p) => p.id));
    const times = images.map((i: any) => Date.parse(i.dateCreated));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('list a project\'s plans oldest first', async () => {
    const project = await createProject(suite.server);
    const labels = ['charlie', 'alpha', 'bravo', 'alpha'];
    const plans = [];
    for (const label of labels) plans.push(await createPlan(suite.server, project.id, { label }));
    const data = await ok(suite.server, 'query($p: ID) { project(id: $p) { plans { id label dateCreated } } }', { p: project.id });
    expect(data.project.plans.map((p: any) => [p.id, p.label])).toEqual(plans.map((p, n) => [p.id, labels[n]]));
    const times = data.project.plans.map((p: any) => Date.parse(p.dateCreated));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });
});

describe('listing errors', () => {
  it('is NOT_FOUND for a project that does not exist', async () => {
    await refused(suite.server, QUERY_PAGE, { p: 'nobody-here' }, 'NOT_FOUND', 'No project matches "nobody-here"');
  });
});
