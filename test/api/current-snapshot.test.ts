import { randomUUID } from 'node:crypto';
import { activeSnapshot, createPlan, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { noSuch, refused } from '../helpers/refusals';
import { useServers } from '../helpers/test-server';

/** setCurrentSnapshot and what a project's current snapshot looks like afterwards. */
const suite = useServers(1);

const SET = 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id currentSnapshot { id status isCurrent } } }';
const CURRENT = `query($p: ID!) {
  currentSnapshot(project: $p) { id status isCurrent }
  project(id: $p) { currentSnapshot { id isCurrent } snapshots { nodes { id isCurrent } } }
}`;

let project: { id: string; slug: string };

beforeAll(async () => {
  project = await createProject(suite.server);
  await createPlan(suite.server, project.id);
});

const active = (p = project.id) => activeSnapshot(suite.server, p);

async function current(p = project.id) {
  return ok(suite.server, CURRENT, { p });
}

describe('setCurrentSnapshot', () => {
  it('makes an ACTIVE snapshot of the project current, by project id or slug, and shows it everywhere', async () => {
    const [a, b] = [await active(), await active()];
    const set = await ok(suite.server, SET, { p: project.slug, s: a.id });
    expect(set.setCurrentSnapshot).toEqual({ id: project.id, currentSnapshot: { id: a.id, status: 'ACTIVE', isCurrent: true } });
    const data = await current();
    expect(data.currentSnapshot).toEqual({ id: a.id, status: 'ACTIVE', isCurrent: true });
    expect(data.project.currentSnapshot).toEqual({ id: a.id, isCurrent: true });
    expect(data.project.snapshots.nodes.filter((n: any) => n.isCurrent)).toEqual([{ id: a.id, isCurrent: true }]);

    await ok(suite.server, SET, { p: project.id, s: b.id });
    const after = await current();
    expect(after.currentSnapshot.id).toBe(b.id);
    expect(after.project.snapshots.nodes.filter((n: any) => n.isCurrent)).toEqual([{ id: b.id, isCurrent: true }]);
  });

  it('takes the current snapshot again as a no-op', async () => {
    const a = await active();
    await ok(suite.server, SET, { p: project.id, s: a.id });
    const again = await ok(suite.server, SET, { p: project.id, s: a.id });
    expect(again.setCurrentSnapshot.currentSnapshot.id).toBe(a.id);
  });

  it('clears the current snapshot with null (twice is fine)', async () => {
    const a = await active();
    await ok(suite.server, SET, { p: project.id, s: a.id });
    for (let n = 0; n < 2; n++) {
      const cleared = await ok(suite.server, SET, { p: project.id, s: null });
      expect(cleared.setCurrentSnapshot).toEqual({ id: project.id, currentSnapshot: null });
    }
    const data = await current();
    expect(data.currentSnapshot).toBeNull();
    expect(data.project.currentSnapshot).toBeNull();
    expect(data.project.snapshots.nodes.every((n: any) => !n.isCurrent)).toBe(true);
    // Leaving out the argument clears it too.
    await ok(suite.server, SET, { p: project.id, s: a.id });
    const omitted = await ok(suite.server, 'mutation($p: ID!) { setCurrentSnapshot(project: $p) { currentSnapshot { id } } }', { p: project.id });
    expect(omitted.setCurrentSnapshot.currentSnapshot).toBeNull();
  });

  it('is BAD_USER_INPUT for a snapshot of another project, and changes nothing', async () => {
    const mine = await active();
    await ok(suite.server, SET, { p: project.id, s: mine.id });
    const other = await createProject(suite.server);
    await createPlan(suite.server, other.id);
    const theirs = await active(other.id);
    await refused(suite.server, SET, { p: project.id, s: theirs.id }, 'BAD_USER_INPUT', `Snapshot ${theirs.id} is not a snapshot of project ${project.slug}`, 'snapshot');
    expect((await current()).currentSnapshot.id).toBe(mine.id);
  });

  it.each(['PENDING', 'FAILED', 'INVALIDATED'])('is INVALID_TRANSITION for a %s snapshot, and changes nothing', async (status) => {
    const mine = await active();
    await ok(suite.server, SET, { p: project.id, s: mine.id });
    const s = await createSnapshot(suite.server, project.id);
    if (status === 'FAILED') await setImageStatus(suite.server, s.images[0]!.id, 'FAILED');
    if (status === 'INVALIDATED') {
      await setImageStatus(suite.server, s.images[0]!.id, 'ACTIVE');
      await setImageStatus(suite.server, s.images[0]!.id, 'INVALIDATED');
    }
    await refused(suite.server, SET, { p: project.id, s: s.id }, 'INVALID_TRANSITION', `Only an ACTIVE snapshot can be current; snapshot ${s.id} is ${status}`);
    expect((await current()).currentSnapshot.id).toBe(mine.id);
  });

  it('is NOT_FOUND for a project or a snapshot that does not exist', async () => {
    const a = await active();
    const missing = randomUUID();
    await refused(suite.server, SET, { p: missing, s: a.id }, 'NOT_FOUND', noSuch('project', missing));
    await refused(suite.server, SET, { p: 'no-such-project', s: null }, 'NOT_FOUND', noSuch('project', 'no-such-project'));
    await refused(suite.server, SET, { p: project.id, s: missing }, 'NOT_FOUND', noSuch('snapshot', missing));
  });
});

describe('a current snapshot that stops being usable', () => {
  const cases: [string, (s: { id: string; buildId: string | null; images: { id: string }[] }) => Promise<unknown>][] = [
    ['an image is invalidated', (s) => setImageStatus(suite.server, s.images[0]!.id, 'INVALIDATED')],
    [
      'the snapshot is invalidated',
      (s) => ok(suite.server, 'mutation($s: ID!) { changeSnapshotStatus(snapshot: $s, status: INVALIDATED) { id } }', { s: s.id }),
    ],
    ['its build did not pass', (s) => ok(suite.server, 'mutation($b: ID!) { snapshotBuildFinished(build: $b, passed: false) { id } }', { b: s.buildId })],
  ];
  it.each(cases)('stays current (isCurrent true) when %s', async (_name, invalidate) => {
    const s = await createSnapshot(suite.server, project.id, { buildId: randomUUID() });
    for (const i of s.images) await setImageStatus(suite.server, i.id, 'ACTIVE');
    await ok(suite.server, SET, { p: project.id, s: s.id });
    await invalidate(s);
    const data = await current();
    expect(data.currentSnapshot).toEqual({ id: s.id, status: 'INVALIDATED', isCurrent: true });
    expect(data.project.currentSnapshot).toEqual({ id: s.id, isCurrent: true });
    // It cannot be made current again, but it can be replaced or cleared.
    await refused(suite.server, SET, { p: project.id, s: s.id }, 'INVALID_TRANSITION', `Only an ACTIVE snapshot can be current; snapshot ${s.id} is INVALIDATED`);
    expect((await current()).currentSnapshot.id).toBe(s.id);
  });
});

describe('currentSnapshot', () => {
  it('is null for a project with none set, and NOT_FOUND for a project that does not exist', async () => {
    const fresh = await createProject(suite.server);
    expect((await ok(suite.server, 'query($p: ID!) { currentSnapshot(project: $p) { id } }', { p: fresh.slug })).currentSnapshot).toBeNull();
    const missing = randomUUID();
    await refused(suite.server, 'query($p: ID!) { currentSnapshot(project: $p) { id } }', { p: missing }, 'NOT_FOUND', noSuch('project', missing));
    await refused(suite.server, 'query($p: ID!) { currentSnapshot(project: $p) { id } }', { p: 'nobody' }, 'NOT_FOUND', noSuch('project', 'nobody'));
  });
});
