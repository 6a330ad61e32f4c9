import { randomUUID } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import { activeCurrentSnapshot, createPlan, createProject, createSnapshot } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { sqlRows } from '../helpers/sql';
import { useServers } from '../helpers/test-server';

/**
 * Rows deleted in the database (as an operator would, with SQL): a deleted
 * snapshot never stays current; deletes cascade from project, snapshot and
 * plan; a borrower's snapshot_plan_id is set null when its lender goes.
 */
const suite = useServers(1);

const sql = <T extends QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []) => sqlRows<T>(suite.db.url, text, params);
const count = async (table: string, where: string, params: unknown[]) => Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params))[0]!.n);

async function currentSnapshotOf(project: { id: string; slug: string }) {
  const data = await ok<{ currentSnapshot: unknown; project: { currentSnapshot: unknown } }>(suite.server, 'query($p: ID!, $id: ID) { currentSnapshot(project: $p) { id } project(id: $id) { currentSnapshot { id } } }', {
    p: project.slug,
    id: project.id,
  });
  return [data.currentSnapshot, data.project.currentSnapshot];
}

describe('deleting the current snapshot', () => {
  it('leaves the project with no current snapshot', async () => {
    const project = await createProject(suite.server);
    await createPlan(suite.server, project.id);
    const s = await activeCurrentSnapshot(suite.server, project.id);
    expect(await currentSnapshotOf(project)).toEqual([{ id: s.id }, { id: s.id }]);
    await sql('DELETE FROM snapshot WHERE id = $1', [s.id]);
    expect(await currentSnapshotOf(project)).toEqual([null, null]);
    expect(await sql('SELECT current_snapshot_id FROM project WHERE id = $1', [project.id])).toEqual([{ current_snapshot_id: null }]);
    expect((await ok<{ snapshot: unknown }>(suite.server, 'query($s: ID!) { snapshot(id: $s) { id } }', { s: s.id })).snapshot).toBeNull();
  });

  it('leaves a current snapshot that is not deleted where it is', async () => {
    const project = await createProject(suite.server);
    await createPlan(suite.server, project.id);
    const old = await createSnapshot(suite.server, project.id);
    const s = await activeCurrentSnapshot(suite.server, project.id);
    await sql('DELETE FROM snapshot WHERE id = $1', [old.id]);
    expect(await currentSnapshotOf(project)).toEqual([{ id: s.id }, { id: s.id }]);
  });

  it('cannot be undone by pointing a project at a snapshot that is not its own, or not there', async () => {
    const [a, b] = [await createProject(suite.server), await createProject(suite.server)];
    await createPlan(suite.server, b.id);
    const theirs = await activeCurrentSnapshot(suite.server, b.id);
    await expect(sql('UPDATE project SET current_snapshot_id = $2 WHERE id = $1', [a.id, theirs.id])).rejects.toThrow(/foreign key/);
    await expect(sql('UPDATE project SET current_snapshot_id = gen_random_uuid() WHERE id = $1', [a.id])).rejects.toThrow(/foreign key/);
    expect(await currentSnapshotOf(a)).toEqual([null, null]);
  });
});

describe('cascades', () => {
  it('from a project: its plans, snapshots and images go with it', async () => {
    const project = await createProject(suite.server);
    const plan = await createPlan(suite.server, project.id);
    const s = await activeCurrentSnapshot(suite.server, project.id);
    const other = await createProject(suite.server);
    await createPlan(suite.server, other.id);
    const kept = await createSnapshot(suite.server, other.id);
    await sql('DELETE FROM project WHERE id = $1', [project.id]);
    const data = await ok<unknown>(suite.server, 'query($p: ID, $s: ID!, $i: ID!, $k: ID!) { project(id: $p) { id } snapshot(id: $s) { id } image(id: $i) { id } kept: snapshot(id: $k) { id images { id } } }', {
      p: project.id,
      s: s.id,
      i: s.images[0]!.id,
      k: kept.id,
    });
    expect(data).toEqual({ project: null, snapshot: null, image: null, kept: { id: kept.id, images: [{ id: kept.images[0]!.id }] } });
    expect(await count('plan', 'id = $1', [plan.id])).toBe(0);
    expect(await count('snapshot_image', 'snapshot_id = $1', [s.id])).toBe(0);
  });

  it('from a snapshot: its images go with it', async () => {
    const project = await createProject(suite.server);
    await createPlan(suite.server, project.id);
    await createPlan(suite.server, project.id);
    const s = await createSnapshot(suite.server, project.id);
    expect(await count('snapshot_image', 'snapshot_id = $1', [s.id])).toBe(2);
    await sql('DELETE FROM snapshot WHERE id = $1', [s.id]);
    expect(await count('snapshot_image', 'snapshot_id = $1', [s.id])).toBe(0);
    for (const image of s.images) expect((await ok<{ image: unknown }>(suite.server, 'query($i: ID!) { image(id: $i) { id } }', { i: image.id })).image).toBeNull();
  });

  it('from a plan: its images go with it, and plans that used its images use their own again', async () => {
    const project = await createProject(suite.server);
    const [lender, other] = [await createPlan(suite.server, project.id), await createPlan(suite.server, project.id)];
    const borrower = await createPlan(suite.server, project.id, { snapshotPlan: lender.id });
    const s = await createSnapshot(suite.server, project.id);
    const [lenderImage, otherImage] = s.images.map((i) => i.id);
    await sql('DELETE FROM plan WHERE id = $1', [lender.id]);
    expect(await sql('SELECT snapshot_plan_id FROM plan WHERE id = $1', [borrower.id])).toEqual([{ snapshot_plan_id: null }]);
    const data = await ok<unknown>(
      suite.server,
      `query($p: ID, $s: ID!, $i: ID!, $b: ID!) {
        project(id: $p) { plans { id snapshotPlan { id } } }
        snapshot(id: $s) { images { id plan { id } } }
        image(id: $i) { id }
        snapshotImage(plan: $b, snapshot: $s) { id }
      }`,
      { p: project.id, s: s.id, i: lenderImage, b: borrower.id },
    );
    expect(data).toEqual({
      project: { plans: [{ id: other.id, snapshotPlan: null }, { id: borrower.id, snapshotPlan: null }] },
      snapshot: { images: [{ id: otherImage, plan: { id: other.id } }] },
      image: null,
      snapshotImage: null,
    });
  });
});

describe('what the database itself refuses', () => {
  it('a status outside the known codes, a second image of one plan in a snapshot, a repeated build or job id', async () => {
    const project = await createProject(suite.server);
    const plan = await createPlan(suite.server, project.id);
    const s = await createSnapshot(suite.server, project.id, { buildId: randomUUID(), images: [{ plan: plan.id, jobId: randomUUID() }] });
    await expect(sql('UPDATE snapshot SET status = 5 WHERE id = $1', [s.id])).rejects.toThrow(/snapshot_status_check/);
    await expect(sql('UPDATE snapshot_image SET status = -1 WHERE snapshot_id = $1', [s.id])).rejects.toThrow(/snapshot_image_status_check/);
    await expect(sql('UPDATE plan SET status = 2 WHERE id = $1', [plan.id])).rejects.toThrow(/plan_status_check/);
    await expect(sql('INSERT INTO snapshot_image (snapshot_id, plan_id) VALUES ($1, $2)', [s.id, plan.id])).rejects.toThrow(/snapshot_image_snapshot_plan_key/);
    await expect(sql('INSERT INTO snapshot (project_id, build_id) VALUES ($1, $2)', [project.id, s.buildId])).rejects.toThrow(/snapshot_build_id_key/);
    const other = await createSnapshot(suite.server, project.id);
    await expect(sql('UPDATE snapshot_image SET job_id = $2 WHERE snapshot_id = $1', [other.id, s.images[0]!.jobId])).rejects.toThrow(/snapshot_image_job_id_key/);
  });
});
