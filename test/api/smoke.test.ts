import { createPlan, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { useServers } from '../helpers/test-server';

const suite = useServers(1);

describe('a snapshot from creation to current', () => {
  it('goes PENDING -> ACTIVE as its images become ACTIVE, then can be made current', async () => {
    const { server } = suite;
    const project = await createProject(server);
    const plans = [await createPlan(server, project.id), await createPlan(server, project.id)];
    const snapshot = await createSnapshot(server, project.slug);
    expect(snapshot.status).toBe('PENDING');
    expect(snapshot.images.map((i) => [i.plan.id, i.status])).toEqual(plans.map((p) => [p.id, 'UNKNOWN']));

    const first = await setImageStatus(server, snapshot.images[0]!.id, 'ACTIVE');
    expect(first.data!.changeImageStatus.snapshot.status).toBe('PENDING');
    const second = await setImageStatus(server, snapshot.images[1]!.id, 'ACTIVE');
    expect(second.data!.changeImageStatus).toMatchObject({ status: 'ACTIVE', snapshot: { id: snapshot.id, status: 'ACTIVE' } });

    const set = await ok<{ setCurrentSnapshot: { currentSnapshot: unknown } }>(server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { slug currentSnapshot { id isCurrent } } }', {
      p: project.slug,
      s: snapshot.id,
    });
    expect(set.setCurrentSnapshot.currentSnapshot).toEqual({ id: snapshot.id, isCurrent: true });
  });
});
