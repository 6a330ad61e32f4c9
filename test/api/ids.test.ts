import { randomUUID } from 'node:crypto';
import { createPlan, createProject, createSnapshot, SNAPSHOT_FIELDS } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { badUuid, refused, undashedUpper } from '../helpers/refusals';
import { useServers } from '../helpers/test-server';

/**
 * IDs are UUIDs: given back lower case with dashes; taken with or without
 * dashes, in any case; anything else is BAD_USER_INPUT, for every ID argument
 * but the scheduler's own build and job ids (see scheduler-ids.test.ts), which
 * are still made canonical when they are UUIDs.
 */
const suite = useServers(1);

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const forms = (id: string) => [id, id.toUpperCase(), id.replace(/-/g, ''), undashedUpper(id)];

/** Not UUIDs in any form. Numbers reach an ID argument as strings too. */
const NOT_UUIDS: unknown[] = [
  '',
  'nope',
  '42',
  42,
  'g'.repeat(32),
  '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f',
  '0f1e2d3c4b5a69788796a5b4c3d2e1f0aa',
  '{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}',
  ' 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 ',
  '0f1e2d3c4b5a-6978-8796a5b4c3d2e1f0-',
  'urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
];

let project: { id: string; slug: string };
let plan: { id: string };
let borrower: { id: string };
let snapshot: { id: string; images: { id: string; status: string; plan: { id: string } }[] };

beforeAll(async () => {
  const { server } = suite;
  project = await createProject(server);
  plan = await createPlan(server, project.id);
  borrower = await createPlan(server, project.id, { snapshotPlan: plan.id });
  snapshot = await createSnapshot(server, project.id);
});

describe('IDs given back', () => {
  it('are lower case with dashes, the buildId and jobId included, whatever form they came in', async () => {
    const { server } = suite;
    const buildId = randomUUID();
    const jobId = randomUUID();
    const created = await createSnapshot(server, undashedUpper(project.id), {
      buildId: undashedUpper(buildId),
      images: [{ plan: undashedUpper(plan.id), jobId: jobId.toUpperCase() }],
    });
    expect(created.buildId).toBe(buildId);
    expect(created.images[0]!.jobId).toBe(jobId);
    const data = await ok(
      server,
      `query($id: ID!) { snapshot(id: $id) { id buildId project { id plans { id project { id } snapshotPlan { id } } }
        images { id jobId plan { id } snapshot { id } } } }`,
      { id: undashedUpper(created.id) },
    );
    const ids: string[] = [];
    JSON.stringify(data, (key, value) => {
      if (key === 'id' || key === 'buildId' || key === 'jobId') ids.push(value);
      return value;
    });
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(id).toMatch(CANONICAL);
    expect(data.snapshot.id).toBe(created.id);
  });
});

describe('IDs taken', () => {
  it('find a project, snapshot and image by id with or without dashes, in any case', async () => {
    const { server } = suite;
    const image = snapshot.images[0]!.id;
    for (const [p, s, i] of forms(project.id).map((p, n) => [p, forms(snapshot.id)[n], forms(image)[n]])) {
      const data = await ok(server, 'query($p: ID, $s: ID!, $i: ID!) { project(id: $p) { id } snapshot(id: $s) { id } image(id: $i) { id } }', {
        p,
        s,
        i,
      });
      expect(data).toEqual({ project: { id: project.id }, snapshot: { id: snapshot.id }, image: { id: image } });
    }
  });

  it('name a project by id in any form, or by slug, wherever a project is referenced', async () => {
    const { server } = suite;
    for (const ref of [...forms(project.id), project.slug]) {
      const data = await ok(
        server,
        `query($p: ID!) { currentSnapshot(project: $p) { id } snapshots(project: $p, state: ALL) { totalCount nodes { project { id } } } }`,
        { p: ref },
      );
      expect(data.currentSnapshot).toBeNull();
      expect(data.snapshots.nodes.map((n: any) => n.project.id)).toEqual(data.snapshots.nodes.map(() => project.id));
      expect(data.snapshots.totalCount).toBeGreaterThanOrEqual(1);
      const created = await ok(server, 'mutation($p: ID!) { createPlan(project: $p, label: "by ref", status: INACTIVE) { project { id } } }', { p: ref });
      expect(created.createPlan.project.id).toBe(project.id);
    }
  });

  it('name plans, images, snapshots and builds in any form in mutations', async () => {
    const { server } = suite;
    const lender = await createPlan(server, project.id);
    const other = await createPlan(server, project.id, { snapshotPlan: undashedUpper(lender.id) });
    const set = await ok(server, 'mutation($p: ID!, $l: ID) { setSnapshotPlan(plan: $p, snapshotPlan: $l) { id snapshotPlan { id } } }', {
      p: other.id.replace(/-/g, ''),
      l: lender.id.toUpperCase(),
    });
    expect(set.setSnapshotPlan).toEqual({ id: other.id, snapshotPlan: { id: lender.id } });
    const status = await ok(server, 'mutation($p: ID!) { setPlanStatus(plan: $p, status: INACTIVE) { id status } }', { p: undashedUpper(lender.id) });
    expect(status.setPlanStatus).toEqual({ id: lender.id, status: 'INACTIVE' });

    const buildId = randomUUID();
    const created = await createSnapshot(server, project.slug, { buildId, images: [{ plan: plan.id }] });
    const image = await ok(server, 'mutation($i: ID!) { changeImageStatus(image: $i, status: PENDING) { id status } }', {
      i: undashedUpper(created.images[0]!.id),
    });
    expect(image.changeImageStatus).toEqual({ id: created.images[0]!.id, status: 'PENDING' });
    const failed = await ok(server, 'mutation($s: ID!) { changeSnapshotStatus(snapshot: $s, status: FAILED) { id status } }', {
      s: created.id.toUpperCase(),
    });
    expect(failed.changeSnapshotStatus).toEqual({ id: created.id, status: 'FAILED' });
    const finished = await ok(server, 'mutation($b: ID!) { snapshotBuildFinished(build: $b, passed: false) { id status buildId } }', {
      b: undashedUpper(buildId),
    });
    expect(finished.snapshotBuildFinished).toEqual({ id: created.id, status: 'FAILED', buildId });
    const found = await ok(server, 'query($p: ID!, $s: ID!) { snapshotImage(plan: $p, snapshot: $s) { id } }', {
      p: undashedUpper(borrower.id),
      s: undashedUpper(created.id),
    });
    expect(found.snapshotImage).toEqual({ id: created.images[0]!.id });
  });

  it('make the same buildId in another form a retry of the same build', async () => {
    const { server } = suite;
    const buildId = randomUUID();
    const first = await createSnapshot(server, project.id, { buildId });
    const again = await createSnapshot(server, project.slug, { buildId: undashedUpper(buildId) });
    expect(again).toEqual(first);
  });

  it('set the current snapshot with ids in any form', async () => {
    const { server } = suite;
    const created = await createSnapshot(server, project.id, { images: [{ plan: plan.id }] });
    await ok(server, 'mutation($i: ID!) { changeImageStatus(image: $i, status: ACTIVE) { id } }', { i: created.images[0]!.id });
    const data = await ok(server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id currentSnapshot { id } } }', {
      p: undashedUpper(project.id),
      s: undashedUpper(created.id),
    });
    expect(data.setCurrentSnapshot).toEqual({ id: project.id, currentSnapshot: { id: created.id } });
    await ok(server, 'mutation($p: ID!) { setCurrentSnapshot(project: $p, snapshot: null) { id } }', { p: project.id });
  });
});

describe('anything but a UUID', () => {
  const uuid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  /** Every ID argument that names a row of ours: the operation, with $v where the bad value goes, and the argument it names. */
  const cases: [string, string, () => string][] = [
    ['project(id)', 'query($v: ID) { project(id: $v) { id } }', () => 'id'],
    ['snapshot(id)', 'query($v: ID!) { snapshot(id: $v) { id } }', () => 'id'],
    ['image(id)', 'query($v: ID!) { image(id: $v) { id } }', () => 'id'],
    ['snapshotImage(plan)', `query($v: ID!) { snapshotImage(plan: $v, snapshot: "${uuid}") { id } }`, () => 'plan'],
    ['snapshotImage(snapshot)', `query($v: ID!) { snapshotImage(plan: "${uuid}", snapshot: $v) { id } }`, () => 'snapshot'],
    ['createPlan(snapshotPlan)', 'mutation($v: ID, $p: ID!) { createPlan(project: $p, label: "x", snapshotPlan: $v) { id } }', () => 'snapshotPlan'],
    ['setSnapshotPlan(plan)', `mutation($v: ID!) { setSnapshotPlan(plan: $v, snapshotPlan: "${uuid}") { id } }`, () => 'plan'],
    ['setSnapshotPlan(snapshotPlan)', `mutation($v: ID) { setSnapshotPlan(plan: "${uuid}", snapshotPlan: $v) { id } }`, () => 'snapshotPlan'],
    ['setPlanStatus(plan)', 'mutation($v: ID!) { setPlanStatus(plan: $v, status: ACTIVE) { id } }', () => 'plan'],
    ['createSnapshot(images.plan)', 'mutation($v: ID!, $p: ID!) { createSnapshot(project: $p, images: [{ plan: $v }]) { id } }', () => 'images.plan'],
    ['changeImageStatus(image)', 'mutation($v: ID!) { changeImageStatus(image: $v, status: ACTIVE) { id } }', () => 'image'],
    ['changeSnapshotStatus(snapshot)', 'mutation($v: ID!) { changeSnapshotStatus(snapshot: $v, status: ACTIVE) { id } }', () => 'snapshot'],
    ['setCurrentSnapshot(snapshot)', 'mutation($v: ID, $p: ID!) { setCurrentSnapshot(project: $p, snapshot: $v) { id } }', () => 'snapshot'],
  ];

  it.each(cases)('is BAD_USER_INPUT in %s', async (_name, query, argument) => {
    for (const value of NOT_UUIDS) {
      const variables: Record<string, unknown> = { v: value };
      if (query.includes('$p:')) variables.p = project.id;
      if (query.includes('$plan:')) variables.plan = plan.id;
      await refused(suite.server, query, variables, 'BAD_USER_INPUT', badUuid(argument()), argument());
    }
  });

  /** A project reference is a UUID or a slug; what is neither is BAD_USER_INPUT. */
  const projectCases: [string, string][] = [
    ['createPlan', 'mutation($v: ID!) { createPlan(project: $v, label: "x") { id } }'],
    ['createSnapshot', 'mutation($v: ID!) { createSnapshot(project: $v) { id } }'],
    ['setCurrentSnapshot', 'mutation($v: ID!) { setCurrentSnapshot(project: $v, snapshot: null) { id } }'],
    ['currentSnapshot', 'query($v: ID!) { currentSnapshot(project: $v) { id } }'],
    ['snapshots', 'query($v: ID) { snapshots(project: $v) { totalCount } }'],
  ];
  it.each(projectCases)('is BAD_USER_INPUT as the project of %s unless it is a slug', async (_name, query) => {
    for (const value of ['', 'Not A Slug', 'UPPER', '-dash-first', 'a_b', `{${uuid}}`, 'x'.repeat(65), 'é']) {
      await refused(suite.server, query, { v: value }, 'BAD_USER_INPUT', '"project" must be a project id or slug', 'project');
    }
  });
});

describe('the output of every listing', () => {
  it('gives canonical ids in connections too', async () => {
    const data = await ok(suite.server, `{ snapshots(state: ALL, first: 100) { nodes { ${SNAPSHOT_FIELDS} project { id currentSnapshot { id } } } } }`);
    for (const node of data.snapshots.nodes) {
      expect(node.id).toMatch(CANONICAL);
      expect(node.project.id).toMatch(CANONICAL);
      for (const image of node.images) expect(image.id).toMatch(CANONICAL);
    }
  });
});
