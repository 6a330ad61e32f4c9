import { randomUUID } from 'node:crypto';
import { createPlan, createProject, createSnapshot, SNAPSHOT_FIELDS, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { noSuch, refused } from '../helpers/refusals';
import { useServers } from '../helpers/test-server';

/** createSnapshot: default and explicit images, retries by buildId, conflicts. */
const suite = useServers(1);

const CREATE = `mutation($project: ID!, $buildId: ID, $revision: String, $images: [SnapshotImageInput!]) {
  createSnapshot(project: $project, buildId: $buildId, revision: $revision, images: $images) { ${SNAPSHOT_FIELDS} }
}`;

async function snapshotCount(project: string): Promise<number> {
  const data = await ok<{ snapshots: { totalCount: number } }>(suite.server, 'query($p: ID!) { snapshots(project: $p, state: ALL) { totalCount } }', { p: project });
  return data.snapshots.totalCount;
}

describe('createSnapshot without images', () => {
  it('is PENDING with one UNKNOWN image per ACTIVE plan that uses its own images, oldest plan first', async () => {
    const { server } = suite;
    const project = await createProject(server);
    const a = await createPlan(server, project.id);
    await createPlan(server, project.id, { status: 'INACTIVE' });
    await createPlan(server, project.id, { snapshotPlan: a.id });
    const b = await createPlan(server, project.id);
    const turnedOff = await createPlan(server, project.id);
    await ok(server, 'mutation($p: ID!) { setPlanStatus(plan: $p, status: INACTIVE) { id } }', { p: turnedOff.id });
    const s = await createSnapshot(server, project.slug, { revision: 'abc123' });
    expect(s).toMatchObject({ status: 'PENDING', buildId: null, revision: 'abc123', isCurrent: false });
    expect(s.images.map((i) => [i.plan.id, i.status, i.jobId])).toEqual([
      [a.id, 'UNKNOWN', null],
      [b.id, 'UNKNOWN', null],
    ]);
  });

  it('is BAD_USER_INPUT for a project with no ACTIVE plan of its own images, and creates nothing', async () => {
    const { server } = suite;
    const project = await createProject(server);
    const msg = `Project ${project.slug} has no ACTIVE plan that uses its own images`;
    await refused(server, CREATE, { project: project.id }, 'BAD_USER_INPUT', msg, 'images');
    const lender = await createPlan(server, project.id, { status: 'INACTIVE' });
    await createPlan(server, project.id, { snapshotPlan: lender.id });
    await refused(server, CREATE, { project: project.id }, 'BAD_USER_INPUT', msg, 'images');
    expect(await snapshotCount(project.id)).toBe(0);
  });

  it('is NOT_FOUND for a project that does not exist', async () => {
    await refused(suite.server, CREATE, { project: 'no-such-project' }, 'NOT_FOUND', noSuch('project', 'no-such-project'));
    const id = randomUUID();
    await refused(suite.server, CREATE, { project: id }, 'NOT_FOUND', noSuch('project', id));
  });
});

describe('createSnapshot with images', () => {
  let project: { id: string; slug: string };
  let active: { id: string }[];
  let inactive: { id: string };
  let borrower: { id: string };
  let foreign: { id: string };

  beforeAll(async () => {
    const { server } = suite;
    project = await createProject(server);
    active = [await createPlan(server, project.id), await createPlan(server, project.id), await createPlan(server, project.id)];
    inactive = await createPlan(server, project.id, { status: 'INACTIVE' });
    borrower = await createPlan(server, project.id, { snapshotPlan: active[0]!.id });
    foreign = await createPlan(server, (await createProject(server)).id);
  });

  it('makes one UNKNOWN image per plan named, in the order named, with their job ids', async () => {
    const jobs = [randomUUID(), randomUUID()];
    const s = await createSnapshot(suite.server, project.id, {
      images: [{ plan: active[2]!.id, jobId: jobs[0] }, { plan: active[0]!.id }, { plan: active[1]!.id, jobId: jobs[1] }],
    });
    expect(s.status).toBe('PENDING');
    expect(s.images.map((i) => [i.plan.id, i.status, i.jobId])).toEqual([
      [active[2]!.id, 'UNKNOWN', jobs[0]],
      [active[0]!.id, 'UNKNOWN', null],
      [active[1]!.id, 'UNKNOWN', jobs[1]],
    ]);
  });

  it('is NOT_FOUND for a plan that does not exist', async () => {
    const missing = randomUUID();
    await refused(suite.server, CREATE, { project: project.id, images: [{ plan: active[0]!.id }, { plan: missing }] }, 'NOT_FOUND', noSuch('plan', missing));
  });

  it('is BAD_USER_INPUT for a plan of another project', async () => {
    await refused(
      suite.server,
      CREATE,
      { project: project.id, images: [{ plan: foreign.id }] },
      'BAD_USER_INPUT',
      `Plan ${foreign.id} is not a plan of project ${project.slug}`,
      'images',
    );
  });

  it('is BAD_USER_INPUT for an INACTIVE plan', async () => {
    await refused(suite.server, CREATE, { project: project.id, images: [{ plan: inactive.id }] }, 'BAD_USER_INPUT', `Plan ${inactive.id} is not ACTIVE`, 'images');
  });

  it('is BAD_USER_INPUT for a plan that uses the images of another plan', async () => {
    await refused(
      suite.server,
      CREATE,
      { project: project.id, images: [{ plan: borrower.id }] },
      'BAD_USER_INPUT',
      `Plan ${borrower.id} uses the images of plan ${active[0]!.id}`,
      'images',
    );
  });

  it('is BAD_USER_INPUT for a plan named twice, in any form', async () => {
    const id = active[1]!.id;
    await refused(
      suite.server,
      CREATE,
      { project: project.id, images: [{ plan: id }, { plan: active[0]!.id }, { plan: id.replace(/-/g, '').toUpperCase() }] },
      'BAD_USER_INPUT',
      `Plan ${id} is named more than once`,
      'images',
    );
  });

  it('is BAD_USER_INPUT for a job id named twice', async () => {
    const job = randomUUID();
    await refused(
      suite.server,
      CREATE,
      { project: project.id, images: [{ plan: active[0]!.id, jobId: job }, { plan: active[1]!.id, jobId: job.toUpperCase() }] },
      'BAD_USER_INPUT',
      `Job id ${job} is named more than once`,
      'images',
    );
  });

  it('is BAD_USER_INPUT for an empty list', async () => {
    await refused(suite.server, CREATE, { project: project.id, images: [] }, 'BAD_USER_INPUT', 'A snapshot needs at least one image', 'images');
  });

  it('creates nothing when it refuses', async () => {
    const before = await snapshotCount(project.id);
    await suite.server.gql(CREATE, { project: project.id, buildId: randomUUID(), images: [{ plan: active[0]!.id }, { plan: inactive.id }] });
    expect(await snapshotCount(project.id)).toBe(before);
  });
});

describe('createSnapshot with a buildId', () => {
  it('returns the existing snapshot, unchanged, when the same project sends the same buildId again', async () => {
    const { server } = suite;
    const project = await createProject(server);
    const plan = await createPlan(server, project.id);
    const buildId = randomUUID();
    const first = await createSnapshot(server, project.id, { buildId, revision: 'r1' });
    await setImageStatus(server, first.images[0]!.id, 'PENDING');
    await createPlan(server, project.id);
    const again = await createSnapshot(server, project.slug, { buildId, revision: 'r2', images: [{ plan: plan.id, jobId: randomUUID() }] });
    expect(again).toEqual({
      ...first,
      images: [{ ...first.images[0], status: 'PENDING' }],
    });
    expect(await snapshotCount(project.id)).toBe(1);
  });

  it('returns the existing snapshot even when the retry names images it would refuse', async () => {
    const { server } = suite;
    const project = await createProject(server);
    await createPlan(server, project.id);
    const buildId = randomUUID();
    const first = await createSnapshot(server, project.id, { buildId });
    const again = await createSnapshot(server, project.id, { buildId, images: [{ plan: randomUUID() }] });
    expect(again.id).toBe(first.id);
  });

  it('is CONFLICT when another project has a snapshot of that build', async () => {
    const { server } = suite;
    const [a, b] = [await createProject(server), await createProject(server)];
    await createPlan(server, a.id);
    await createPlan(server, b.id);
    const buildId = randomUUID();
    await createSnapshot(server, a.id, { buildId });
    await refused(server, CREATE, { project: b.id, buildId }, 'CONFLICT', `Build ${buildId} already has a snapshot in another project`);
    expect(await snapshotCount(b.id)).toBe(0);
  });

  it('is CONFLICT when a job id is already used, in this project or another', async () => {
    const { server } = suite;
    const [a, b] = [await createProject(server), await createProject(server)];
    const [planA, planB] = [await createPlan(server, a.id), await createPlan(server, b.id)];
    const jobId = randomUUID();
    await createSnapshot(server, a.id, { images: [{ plan: planA.id, jobId }] });
    const message = `Job id ${jobId} is already used by another image`;
    await refused(server, CREATE, { project: a.id, images: [{ plan: planA.id, jobId }] }, 'CONFLICT', message);
    await refused(server, CREATE, { project: b.id, buildId: randomUUID(), images: [{ plan: planB.id, jobId: jobId.toUpperCase() }] }, 'CONFLICT', message);
    expect(await snapshotCount(a.id)).toBe(1);
    expect(await snapshotCount(b.id)).toBe(0);
  });

  it('keeps a revision and no buildId apart: snapshots without a buildId are never retries', async () => {
    const { server } = suite;
    const project = await createProject(server);
    await createPlan(server, project.id);
    const first = await createSnapshot(server, project.id, { revision: 'same' });
    const second = await createSnapshot(server, project.id, { revision: 'same' });
    expect(second.id).not.toBe(first.id);
  });
});
