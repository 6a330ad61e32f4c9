import { randomUUID } from 'node:crypto';
import { createPlan, createProject, createSnapshot, uniqueSlug } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { noSuch, refused } from '../helpers/refusals';
import { useServers } from '../helpers/test-server';

/**
 * Lookups by id give null when nothing has that id; fields and mutations that
 * need a referenced object give NOT_FOUND; a project is named by id or slug.
 */
const suite = useServers(1);

let project: { id: string; slug: string };
let plan: { id: string };
let snapshot: { id: string; images: { id: string }[] };

beforeAll(async () => {
  project = await createProject(suite.server);
  plan = await createPlan(suite.server, project.id);
  snapshot = await createSnapshot(suite.server, project.id, { revision: 'v1' });
});

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('lookups by id', () => {
  it('find what exists, with every field', async () => {
    const image = snapshot.images[0]!.id;
    const data = await ok(
      suite.server,
      `query($p: ID, $s: ID!, $i: ID!) {
        project(id: $p) { id slug name dateCreated plans { id label status dateCreated project { id } snapshotPlan { id } } }
        snapshot(id: $s) { id status isCurrent dateCreated buildId revision project { id } images { id } }
        image(id: $i) { id status dateCreated jobId snapshot { id } plan { id } }
      }`,
      { p: project.id, s: snapshot.id, i: image },
    );
    expect(data.project).toEqual({
      id: project.id,
      slug: project.slug,
      name: 'A project',
      dateCreated: expect.stringMatching(ISO_UTC),
      plans: [{ id: plan.id, label: expect.any(String), status: 'ACTIVE', dateCreated: expect.stringMatching(ISO_UTC), project: { id: project.id }, snapshotPlan: null }],
    });
    expect(data.snapshot).toEqual({
      id: snapshot.id,
      status: 'PENDING',
      isCurrent: false,
      dateCreated: expect.stringMatching(ISO_UTC),
      buildId: null,
      revision: 'v1',
      project: { id: project.id },
      images: [{ id: image }],
    });
    expect(data.image).toEqual({
      id: image,
      status: 'UNKNOWN',
      dateCreated: expect.stringMatching(ISO_UTC),
      jobId: null,
      snapshot: { id: snapshot.id },
      plan: { id: plan.id },
    });
    expect(Math.abs(Date.parse(data.snapshot.dateCreated) - Date.now())).toBeLessThan(60_000);
  });

  it('give null for an id nothing has', async () => {
    const res = await suite.server.gql('query($id: ID!) { project(id: $id) { id } snapshot(id: $id) { id } image(id: $id) { id } }', { id: randomUUID() });
    expect(res).toEqual({ status: 200, data: { project: null, snapshot: null, image: null } });
  });

  it('give null for the id of another kind of object', async () => {
    const res = await suite.server.gql('query($p: ID!, $s: ID!) { project(id: $s) { id } snapshot(id: $p) { id } image(id: $s) { id } }', {
      p: project.id,
      s: snapshot.id,
    });
    expect(res).toEqual({ status: 200, data: { project: null, snapshot: null, image: null } });
  });
});

describe('project(id, slug)', () => {
  it('finds a project by slug, and gives null for a slug nothing has', async () => {
    expect((await ok(suite.server, 'query($s: String) { project(slug: $s) { id } }', { s: project.slug })).project).toEqual({ id: project.id });
    expect((await ok(suite.server, 'query($s: String) { project(slug: $s) { id } }', { s: 'nothing-here' })).project).toBeNull();
  });

  it('needs exactly one of id and slug', async () => {
    const message = 'Give exactly one of "id" and "slug"';
    await refused(suite.server, '{ project { id } }', {}, 'BAD_USER_INPUT', message);
    await refused(suite.server, 'query($i: ID, $s: String) { project(id: $i, slug: $s) { id } }', { i: null, s: null }, 'BAD_USER_INPUT', message);
    await refused(suite.server, 'query($i: ID, $s: String) { project(id: $i, slug: $s) { id } }', { i: project.id, s: project.slug }, 'BAD_USER_INPUT', message);
    expect((await ok(suite.server, 'query($i: ID, $s: String) { project(id: $i, slug: $s) { id } }', { i: project.id, s: null })).project).toEqual({
      id: project.id,
    });
  });

  it('is BAD_USER_INPUT for a slug that cannot be one', async () => {
    await refused(
      suite.server,
      'query($s: String) { project(slug: $s) { id } }',
      { s: 'Not A Slug' },
      'BAD_USER_INPUT',
      '"slug" must be 1 to 64 characters of a-z, 0-9 and "-", starting with a letter or digit',
      'slug',
    );
  });
});

describe('project references', () => {
  it('reach a project whose slug looks like a UUID, by that slug', async () => {
    const hex = randomUUID().replace(/-/g, '');
    const p = await createProject(suite.server, hex);
    await createPlan(suite.server, hex);
    const s = await createSnapshot(suite.server, hex);
    const data = await ok(suite.server, 'query($p: ID!) { snapshots(project: $p) { nodes { id } } currentSnapshot(project: $p) { id } }', { p: hex });
    expect(data).toEqual({ snapshots: { nodes: [{ id: s.id }] }, currentSnapshot: null });
    expect((await ok(suite.server, 'query($s: String) { project(slug: $s) { id } }', { s: hex })).project).toEqual({ id: p.id });
  });

  it('prefer the id when one project has as its slug the id of another', async () => {
    const slug = project.id;
    const impostor = await createProject(suite.server, slug);
    expect(impostor.id).not.toBe(project.id);
    const data = await ok(suite.server, 'query($p: ID!) { snapshots(project: $p) { nodes { project { id } } } }', { p: slug });
    expect(data.snapshots.nodes.map((n: any) => n.project.id)).toEqual([project.id]);
  });
});

describe('NOT_FOUND for what a field or mutation needs', () => {
  const missing = randomUUID();
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['snapshots(project)', 'query($v: ID) { snapshots(project: $v) { totalCount } }', { v: missing }, noSuch('project', missing)],
    ['snapshots(project) by slug', 'query($v: ID) { snapshots(project: $v) { totalCount } }', { v: 'no-such-slug' }, noSuch('project', 'no-such-slug')],
    ['currentSnapshot(project)', 'query($v: ID!) { currentSnapshot(project: $v) { id } }', { v: missing }, noSuch('project', missing)],
    ['createPlan(project)', 'mutation($v: ID!) { createPlan(project: $v, label: "x") { id } }', { v: 'no-such-slug' }, noSuch('project', 'no-such-slug')],
    ['setPlanStatus(plan)', 'mutation($v: ID!) { setPlanStatus(plan: $v, status: INACTIVE) { id } }', { v: missing }, noSuch('plan', missing)],
    ['createSnapshot(project)', 'mutation($v: ID!) { createSnapshot(project: $v) { id } }', { v: missing }, noSuch('project', missing)],
    ['changeImageStatus(image)', 'mutation($v: ID!) { changeImageStatus(image: $v, status: ACTIVE) { id } }', { v: missing }, noSuch('snapshot image', missing)],
  ];
  it.each(cases)('%s', async (_name, query, variables, message) => {
    await refused(suite.server, query, variables, 'NOT_FOUND', message);
  });

  it('takes the missing id in any form and names it as it was sent', async () => {
    const upper = missing.replace(/-/g, '').toUpperCase();
    await refused(suite.server, 'query($v: ID!) { currentSnapshot(project: $v) { id } }', { v: upper }, 'NOT_FOUND', noSuch('project', upper));
  });
});

describe('setPlanStatus', () => {
  it('switches a plan between ACTIVE and INACTIVE, and repeating is a no-op', async () => {
    const p = await createPlan(suite.server, project.id);
    const SET = 'mutation($p: ID!, $s: PlanStatus!) { setPlanStatus(plan: $p, status: $s) { id status label } }';
    for (const status of ['INACTIVE', 'INACTIVE', 'ACTIVE', 'ACTIVE']) {
      expect((await ok(suite.server, SET, { p: p.id, s: status })).setPlanStatus).toEqual({ id: p.id, status, label: p.label });
    }
  });
});

describe('projects', () => {
  it('lists every project by slug', async () => {
    const slugs = ['zz-last', 'aa-first', uniqueSlug('mm')];
    for (const slug of slugs) await createProject(suite.server, slug);
    const data = await ok(suite.server, '{ projects { slug } }');
    const listed = data.projects.map((p: { slug: string }) => p.slug);
    expect(listed).toEqual([...listed].sort());
    expect(listed).toEqual(expect.arrayContaining([...slugs, project.slug]));
  });
});
