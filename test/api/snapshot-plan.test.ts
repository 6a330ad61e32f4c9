import { randomUUID } from 'node:crypto';
import { createPlan, createProject, createSnapshot } from '../helpers/factories';
import { ok, operation } from '../helpers/graphql';
import { noSuch, refused } from '../helpers/refusals';
import { useServers } from '../helpers/test-server';

/**
 * snapshotPlan: a plan may use the images of another plan of its project,
 * never itself, never in chains; snapshotImage follows that one step.
 */
const suite = useServers(1);

type PlanAndLender = { id: string; snapshotPlan: { id: string } | null };
const SET = operation<{ setSnapshotPlan: PlanAndLender }>('mutation($p: ID!, $l: ID) { setSnapshotPlan(plan: $p, snapshotPlan: $l) { id snapshotPlan { id } } }');
const CREATE = operation<{ createPlan: PlanAndLender }>('mutation($project: ID!, $l: ID) { createPlan(project: $project, label: "borrower", snapshotPlan: $l) { id snapshotPlan { id } } }');
const IMAGE = operation<{ snapshotImage: { id: string; plan: { id: string }; snapshot: { id: string } } | null }>(
  'query($p: ID!, $s: ID!) { snapshotImage(plan: $p, snapshot: $s) { id plan { id } snapshot { id } } }',
);

const SELF = 'A plan cannot use its own images as its snapshot plan';
const OTHER_PROJECT = 'The snapshot plan must belong to the same project';
const LENDER_BORROWS = "The snapshot plan itself uses another plan's images; chains are not allowed";
const PLAN_LENDS = "Other plans use this plan's images, so it cannot use another plan's";

let project: { id: string; slug: string };

beforeAll(async () => {
  project = await createProject(suite.server);
});

const plan = (options: { snapshotPlan?: string; status?: string } = {}) => createPlan(suite.server, project.id, options);
async function lenderOf(planId: string): Promise<string | null> {
  const data = await ok<{ project: { plans: PlanAndLender[] } }>(suite.server, 'query($p: ID!) { project(id: $p) { plans { id snapshotPlan { id } } } }', { p: project.id });
  return data.project.plans.find((p) => p.id === planId)!.snapshotPlan?.id ?? null;
}

describe('setSnapshotPlan', () => {
  it('points a plan at another plan of its project, and back to its own images with null', async () => {
    const [a, b] = [await plan(), await plan()];
    expect((await ok(suite.server, SET, { p: a.id, l: b.id })).setSnapshotPlan).toEqual({ id: a.id, snapshotPlan: { id: b.id } });
    expect(await lenderOf(a.id)).toBe(b.id);
    expect((await ok(suite.server, SET, { p: a.id, l: b.id })).setSnapshotPlan).toEqual({ id: a.id, snapshotPlan: { id: b.id } });
    expect((await ok(suite.server, SET, { p: a.id, l: null })).setSnapshotPlan).toEqual({ id: a.id, snapshotPlan: null });
    expect(await lenderOf(a.id)).toBeNull();
  });

  it('moves a borrower from one lender to another', async () => {
    const [a, b, c] = [await plan(), await plan(), await plan()];
    await ok(suite.server, SET, { p: a.id, l: b.id });
    expect((await ok(suite.server, SET, { p: a.id, l: c.id })).setSnapshotPlan.snapshotPlan).toEqual({ id: c.id });
  });

  it('is BAD_USER_INPUT for the plan itself', async () => {
    const a = await plan();
    await refused(suite.server, SET, { p: a.id, l: a.id.toUpperCase() }, 'BAD_USER_INPUT', SELF, 'snapshotPlan');
    expect(await lenderOf(a.id)).toBeNull();
  });

  it('is BAD_USER_INPUT for a plan of another project', async () => {
    const a = await plan();
    const foreign = await createPlan(suite.server, (await createProject(suite.server)).id);
    await refused(suite.server, SET, { p: a.id, l: foreign.id }, 'BAD_USER_INPUT', OTHER_PROJECT, 'snapshotPlan');
    expect(await lenderOf(a.id)).toBeNull();
  });

  it('is BAD_USER_INPUT for a lender that itself borrows (a chain forward)', async () => {
    const [a, b, c] = [await plan(), await plan(), await plan()];
    await ok(suite.server, SET, { p: b.id, l: c.id });
    await refused(suite.server, SET, { p: a.id, l: b.id }, 'BAD_USER_INPUT', LENDER_BORROWS, 'snapshotPlan');
    expect(await lenderOf(a.id)).toBeNull();
  });

  it('is BAD_USER_INPUT for a plan that lends to others (a chain backward)', async () => {
    const [a, b, c] = [await plan(), await plan(), await plan()];
    await ok(suite.server, SET, { p: a.id, l: b.id });
    await refused(suite.server, SET, { p: b.id, l: c.id }, 'BAD_USER_INPUT', PLAN_LENDS, 'snapshotPlan');
    expect(await lenderOf(b.id)).toBeNull();
  });

  it('is BAD_USER_INPUT for a loop of two', async () => {
    const [a, b] = [await plan(), await plan()];
    await ok(suite.server, SET, { p: a.id, l: b.id });
    await refused(suite.server, SET, { p: b.id, l: a.id }, 'BAD_USER_INPUT', LENDER_BORROWS, 'snapshotPlan');
  });

  it('lets a former borrower lend once it uses its own images again', async () => {
    const [a, b, c] = [await plan(), await plan(), await plan()];
    await ok(suite.server, SET, { p: a.id, l: b.id });
    await ok(suite.server, SET, { p: a.id, l: null });
    expect((await ok(suite.server, SET, { p: c.id, l: a.id })).setSnapshotPlan.snapshotPlan).toEqual({ id: a.id });
  });

  it('is NOT_FOUND for a plan or a snapshot plan that does not exist', async () => {
    const a = await plan();
    const missing = randomUUID();
    await refused(suite.server, SET, { p: missing, l: a.id }, 'NOT_FOUND', noSuch('plan', missing));
    await refused(suite.server, SET, { p: missing, l: null }, 'NOT_FOUND', noSuch('plan', missing));
    await refused(suite.server, SET, { p: a.id, l: missing }, 'NOT_FOUND', noSuch('plan', missing));
  });
});

describe('createPlan with a snapshotPlan', () => {
  it('makes a borrower of a plan of the same project', async () => {
    const a = await plan();
    expect((await ok(suite.server, CREATE, { project: project.slug, l: a.id })).createPlan.snapshotPlan).toEqual({ id: a.id });
  });

  it('is BAD_USER_INPUT for a plan of another project, or one that borrows', async () => {
    const foreign = await createPlan(suite.server, (await createProject(suite.server)).id);
    await refused(suite.server, CREATE, { project: project.id, l: foreign.id }, 'BAD_USER_INPUT', OTHER_PROJECT, 'snapshotPlan');
    const [a] = [await plan()];
    const borrower = await plan({ snapshotPlan: a.id });
    await refused(suite.server, CREATE, { project: project.id, l: borrower.id }, 'BAD_USER_INPUT', LENDER_BORROWS, 'snapshotPlan');
  });

  it('is NOT_FOUND for a snapshot plan or a project that does not exist', async () => {
    const missing = randomUUID();
    await refused(suite.server, CREATE, { project: project.id, l: missing }, 'NOT_FOUND', noSuch('plan', missing));
    await refused(suite.server, CREATE, { project: missing, l: null }, 'NOT_FOUND', noSuch('project', missing));
  });
});

describe('snapshotImage', () => {
  it("gives a plan's own image, or its snapshot plan's image when it borrows", async () => {
    const p = await createProject(suite.server);
    const lender = await createPlan(suite.server, p.id);
    const own = await createPlan(suite.server, p.id);
    const borrower = await createPlan(suite.server, p.id, { snapshotPlan: lender.id });
    const s = await createSnapshot(suite.server, p.id);
    const [lenderImage, ownImage] = s.images.map((i) => i.id);
    expect((await ok(suite.server, IMAGE, { p: lender.id, s: s.id })).snapshotImage).toEqual({ id: lenderImage, plan: { id: lender.id }, snapshot: { id: s.id } });
    expect((await ok(suite.server, IMAGE, { p: own.id, s: s.id })).snapshotImage).toEqual({ id: ownImage, plan: { id: own.id }, snapshot: { id: s.id } });
    expect((await ok(suite.server, IMAGE, { p: borrower.id, s: s.id })).snapshotImage).toEqual({ id: lenderImage, plan: { id: lender.id }, snapshot: { id: s.id } });

    // The indirection is read when asked: pointing the borrower elsewhere changes the answer.
    await ok(suite.server, SET, { p: borrower.id, l: own.id });
    expect((await ok(suite.server, IMAGE, { p: borrower.id, s: s.id })).snapshotImage?.id).toBe(ownImage);
  });

  it('is null when the snapshot has no image for that plan', async () => {
    const p = await createProject(suite.server);
    const a = await createPlan(suite.server, p.id);
    const s = await createSnapshot(suite.server, p.id);
    const later = await createPlan(suite.server, p.id);
    const borrowsLater = await createPlan(suite.server, p.id, { snapshotPlan: later.id });
    expect(s.images.map((i) => i.plan.id)).toEqual([a.id]);
    expect((await ok(suite.server, IMAGE, { p: later.id, s: s.id })).snapshotImage).toBeNull();
    expect((await ok(suite.server, IMAGE, { p: borrowsLater.id, s: s.id })).snapshotImage).toBeNull();
    // A plan of another project has no image in this snapshot either.
    const foreign = await createPlan(suite.server, project.id);
    expect((await ok(suite.server, IMAGE, { p: foreign.id, s: s.id })).snapshotImage).toBeNull();
  });

  it('is NOT_FOUND for a plan or a snapshot that does not exist', async () => {
    const p = await createProject(suite.server);
    const a = await createPlan(suite.server, p.id);
    const s = await createSnapshot(suite.server, p.id);
    const missing = randomUUID();
    await refused(suite.server, IMAGE, { p: missing, s: s.id }, 'NOT_FOUND', noSuch('plan', missing));
    await refused(suite.server, IMAGE, { p: a.id, s: missing }, 'NOT_FOUND', noSuch('snapshot', missing));
  });
});
