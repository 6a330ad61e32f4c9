import { randomUUID } from 'node:crypto';
import { createPlan, createProject } from '../helpers/factories';
import { ok, operation } from '../helpers/graphql';
import { refused } from '../helpers/refusals';
import { withSql } from '../helpers/sql';
import { useServers } from '../helpers/test-server';

/** What the data may hold: 1000 plans per project, 1000 images per createSnapshot. */
const suite = useServers(1);

const CREATE_SNAPSHOT = operation<{ createSnapshot: { id: string; images: { plan: { id: string } }[] } }>(`mutation($project: ID!, $images: [SnapshotImageInput!]) {
  createSnapshot(project: $project, images: $images) { id images { plan { id } } }
}`);
const CREATE_PLAN = operation<{ createPlan: { id: string } }>('mutation($project: ID!) { createPlan(project: $project, label: "one too many") { id } }');
const COUNT = operation<{ snapshots: { totalCount: number } }>('query($p: ID!) { snapshots(project: $p) { totalCount } }');

/** A project with `n` ACTIVE plans (the first made through the API, the others copied from it in SQL); their ids, oldest first. */
async function projectWithPlans(n: number): Promise<{ project: { id: string; slug: string }; plans: string[] }> {
  const project = await createProject(suite.server);
  await createPlan(suite.server, project.id);
  const plans = await withSql(suite.db.url, async (c) => {
    await c.query(
      `INSERT INTO plan (project_id, label, status, date_created)
       SELECT p.project_id, 'plan ' || n, p.status, p.date_created + n * interval '1 microsecond'
       FROM plan p, generate_series(2, $2::int) AS n WHERE p.project_id = $1`,
      [project.id, n],
    );
    return (await c.query<{ id: string }>('SELECT id FROM plan WHERE project_id = $1 ORDER BY date_created, id', [project.id])).rows.map((r) => r.id);
  });
  expect(plans).toHaveLength(n);
  return { project, plans };
}

const planCount = (project: string) =>
  withSql(suite.db.url, async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM plan WHERE project_id = $1', [project])).rows[0]!.n);

describe('plans per project', () => {
  it('the 1000th plan is made; the 1001st is CONFLICT, and nothing is added', async () => {
    const { project } = await projectWithPlans(999);
    expect((await ok(suite.server, CREATE_PLAN, { project: project.id })).createPlan.id).toEqual(expect.any(String));
    await refused(suite.server, CREATE_PLAN, { project: project.slug }, 'CONFLICT', `Project ${project.slug} already has 1000 plans, the most a project may have`);
    expect(await planCount(project.id)).toBe(1000);
  });
});

describe('images per createSnapshot', () => {
  it('a list of 1000 images (one per plan of a project with 1000 plans) makes a snapshot with them all', async () => {
    const { project, plans } = await projectWithPlans(1000);
    const images = plans.map((plan, n) => ({ plan, jobId: `job-${project.id}-${n}` }));
    const data = await ok(suite.server, CREATE_SNAPSHOT, { project: project.id, images });
    expect(data.createSnapshot.images.map((i) => i.plan.id)).toEqual(plans);
  });

  it.each([1001, 22_000])('a list of %d images is BAD_USER_INPUT, refused before any plan is looked up, and nothing is made', async (n) => {
    const project = await createProject(suite.server);
    // 22,000 undashed plan ids are 968 KB of JSON, under the 1 MiB body limit.
    const images = Array.from({ length: n }, () => ({ plan: randomUUID().replace(/-/g, '') }));
    const message = `"images" may have at most 1000 entries (one per plan, and a project has at most 1000 plans), got ${n}`;
    await refused(suite.server, CREATE_SNAPSHOT, { project: project.id, images }, 'BAD_USER_INPUT', message, 'images');
    const count = await ok(suite.server, COUNT, { p: project.id });
    expect(count.snapshots.totalCount).toBe(0);
  });

  it('names the first plan and the first job id named twice in a list of 1000', async () => {
    const { project, plans } = await projectWithPlans(1000);
    const twice = [...plans.slice(0, 999), plans[500]!].map((plan, n) => ({ plan, jobId: `job-twice-${n}` }));
    await refused(suite.server, CREATE_SNAPSHOT, { project: project.id, images: twice }, 'BAD_USER_INPUT', `Plan ${plans[500]} is named more than once`, 'images');
    const jobTwice = plans.map((plan, n) => ({ plan, jobId: n === 999 ? 'job-twice-3' : `job-twice-${n}` }));
    await refused(suite.server, CREATE_SNAPSHOT, { project: project.id, images: jobTwice }, 'BAD_USER_INPUT', 'Job id job-twice-3 is named more than once', 'images');
  });
});
