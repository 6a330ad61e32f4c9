import { randomUUID } from 'node:crypto';
import { createPlan, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok, operation } from '../helpers/graphql';
import { expectRefusal, noSuch, refused } from '../helpers/refusals';
import { withSql } from '../helpers/sql';
import { useServers } from '../helpers/test-server';

/**
 * The lifecycle (UNKNOWN -> any; PENDING -> ACTIVE or FAILED; ACTIVE ->
 * INVALIDATED; FAILED and INVALIDATED terminal; the same status again a no-op)
 * through changeImageStatus, changeSnapshotStatus and snapshotBuildFinished,
 * and how an image's status moves its snapshot's.
 */
const suite = useServers(1);

const STATUSES = ['UNKNOWN', 'PENDING', 'ACTIVE', 'FAILED', 'INVALIDATED'] as const;
type Status = (typeof STATUSES)[number];
const ALLOWED: Record<Status, Status[]> = {
  UNKNOWN: ['PENDING', 'ACTIVE', 'FAILED', 'INVALIDATED'],
  PENDING: ['ACTIVE', 'FAILED'],
  ACTIVE: ['INVALIDATED'],
  FAILED: [],
  INVALIDATED: [],
};
const CODE: Record<Status, number> = { UNKNOWN: 0, ACTIVE: 1, FAILED: 2, INVALIDATED: 3, PENDING: 4 };
const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as [Status, Status]));

const CHANGE_SNAPSHOT = operation<{ changeSnapshotStatus: { id: string; status: string } }>(
  'mutation($s: ID!, $status: SnapshotStatus!) { changeSnapshotStatus(snapshot: $s, status: $status) { id status } }',
);
const BUILD_FINISHED = operation<{ snapshotBuildFinished: { id: string; status: string; buildId: string; images: { status: string }[] } | null }>(
  'mutation($b: ID!, $passed: Boolean!) { snapshotBuildFinished(build: $b, passed: $passed) { id status buildId images { status } } }',
);

let project: { id: string; slug: string };

beforeAll(async () => {
  project = await createProject(suite.server);
  await createPlan(suite.server, project.id);
  await createPlan(suite.server, project.id);
});

/** A snapshot's status and its images' statuses, as stored. */
async function state(snapshot: string): Promise<{ status: string; images: string[] }> {
  const data = await ok<{ snapshot: { status: string; images: { status: string }[] } }>(suite.server, 'query($s: ID!) { snapshot(id: $s) { status images { status } } }', { s: snapshot });
  return { status: data.snapshot.status, images: data.snapshot.images.map((i) => i.status) };
}

async function imageTo(image: string, status: string) {
  const res = await setImageStatus(suite.server, image, status);
  if (res.errors) throw new Error(`${image} -> ${status}: ${JSON.stringify(res.errors)}`);
  return res.data!.changeImageStatus as { id: string; status: string; snapshot: { id: string; status: string } };
}

/** Stores a status directly, for states the API cannot reach (an UNKNOWN snapshot, a snapshot without images). */
const sql = (text: string, params: unknown[]) => withSql(suite.db.url, (c) => c.query(text, params));

/** A snapshot with one image per plan (two), its build id, in the given status. */
async function snapshotIn(status: Status, imageStatus: Status = 'UNKNOWN') {
  const buildId = randomUUID();
  const s = await createSnapshot(suite.server, project.id, { buildId });
  if (status === 'ACTIVE' || status === 'INVALIDATED') for (const i of s.images) await imageTo(i.id, 'ACTIVE');
  if (status === 'INVALIDATED') await ok(suite.server, CHANGE_SNAPSHOT, { s: s.id, status });
  if (status === 'FAILED') await ok(suite.server, CHANGE_SNAPSHOT, { s: s.id, status });
  if (status === 'UNKNOWN') await sql('UPDATE snapshot SET status = $2 WHERE id = $1', [s.id, CODE.UNKNOWN]);
  if (imageStatus !== 'UNKNOWN' && status === 'PENDING') await imageTo(s.images[0]!.id, imageStatus);
  expect((await state(s.id)).status).toBe(status);
  return { ...s, buildId };
}

describe('changeImageStatus follows the lifecycle', () => {
  it.each(pairs)('%s -> %s', async (from, to) => {
    const s = await createSnapshot(suite.server, project.id);
    const image = s.images[0]!.id;
    if (from !== 'UNKNOWN') await imageTo(image, from);
    const before = await state(s.id);
    const res = await setImageStatus(suite.server, image, to);
    if (from === to || ALLOWED[from].includes(to)) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.changeImageStatus).toMatchObject({ id: image, status: to, snapshot: { id: s.id } });
      expect((await state(s.id)).images[0]).toBe(to);
      if (from === to) expect(await state(s.id)).toEqual(before);
    } else {
      expectRefusal(res, 'INVALID_TRANSITION', `An image cannot go from ${from} to ${to}`);
      expect(await state(s.id)).toEqual(before);
    }
  });

  it('is NOT_FOUND for an image that does not exist', async () => {
    const id = randomUUID();
    expectRefusal(await setImageStatus(suite.server, id, 'ACTIVE'), 'NOT_FOUND', noSuch('snapshot image', id));
  });
});

describe('an image change moves its snapshot', () => {
  it('makes a PENDING snapshot ACTIVE when its last image becomes ACTIVE, and says so in the result', async () => {
    const s = await createSnapshot(suite.server, project.id);
    const first = await imageTo(s.images[0]!.id, 'ACTIVE');
    expect(first.snapshot).toEqual({ id: s.id, status: 'PENDING' });
    const pending = await imageTo(s.images[1]!.id, 'PENDING');
    expect(pending.snapshot).toEqual({ id: s.id, status: 'PENDING' });
    const last = await imageTo(s.images[1]!.id, 'ACTIVE');
    expect(last).toEqual({ id: s.images[1]!.id, status: 'ACTIVE', snapshot: { id: s.id, status: 'ACTIVE' } });
    expect(await state(s.id)).toEqual({ status: 'ACTIVE', images: ['ACTIVE', 'ACTIVE'] });
  });

  it('invalidates an ACTIVE snapshot when an image leaves ACTIVE', async () => {
    const s = await snapshotIn('ACTIVE');
    const res = await imageTo(s.images[1]!.id, 'INVALIDATED');
    expect(res.snapshot).toEqual({ id: s.id, status: 'INVALIDATED' });
    expect(await state(s.id)).toEqual({ status: 'INVALIDATED', images: ['ACTIVE', 'INVALIDATED'] });
  });

  it.each(['FAILED', 'INVALIDATED'])('fails a PENDING snapshot when an image becomes %s', async (status) => {
    const s = await createSnapshot(suite.server, project.id);
    const res = await imageTo(s.images[0]!.id, status);
    expect(res.snapshot).toEqual({ id: s.id, status: 'FAILED' });
    expect(await state(s.id)).toEqual({ status: 'FAILED', images: [status, 'UNKNOWN'] });
  });

  it('fails a PENDING snapshot when an ACTIVE image is invalidated before the others are ACTIVE', async () => {
    const s = await createSnapshot(suite.server, project.id);
    await imageTo(s.images[0]!.id, 'ACTIVE');
    expect((await imageTo(s.images[0]!.id, 'INVALIDATED')).snapshot.status).toBe('FAILED');
  });

  it('leaves a PENDING snapshot PENDING while its images are UNKNOWN, PENDING or ACTIVE but not all ACTIVE', async () => {
    const s = await createSnapshot(suite.server, project.id);
    expect((await imageTo(s.images[0]!.id, 'PENDING')).snapshot.status).toBe('PENDING');
    expect((await imageTo(s.images[1]!.id, 'ACTIVE')).snapshot.status).toBe('PENDING');
    expect(await state(s.id)).toEqual({ status: 'PENDING', images: ['PENDING', 'ACTIVE'] });
  });

  it('never makes a FAILED snapshot ACTIVE, even when all its images become ACTIVE', async () => {
    const s = await snapshotIn('FAILED');
    for (const i of s.images) expect((await imageTo(i.id, 'ACTIVE')).snapshot.status).toBe('FAILED');
    expect(await state(s.id)).toEqual({ status: 'FAILED', images: ['ACTIVE', 'ACTIVE'] });
  });

  it('leaves a terminal snapshot as it is when its images change', async () => {
    const s = await snapshotIn('INVALIDATED');
    expect((await imageTo(s.images[0]!.id, 'INVALIDATED')).snapshot.status).toBe('INVALIDATED');
  });

  it('leaves an UNKNOWN snapshot UNKNOWN (only a PENDING one becomes ACTIVE)', async () => {
    const s = await snapshotIn('UNKNOWN');
    for (const i of s.images) expect((await imageTo(i.id, 'ACTIVE')).snapshot.status).toBe('UNKNOWN');
    expect((await imageTo(s.images[0]!.id, 'INVALIDATED')).snapshot.status).toBe('UNKNOWN');
  });

  it('does not move the snapshot when the image is set to the status it has', async () => {
    const s = await snapshotIn('ACTIVE');
    await sql('UPDATE snapshot SET status = $2 WHERE id = $1', [s.id, CODE.PENDING]);
    const res = await imageTo(s.images[0]!.id, 'ACTIVE');
    expect(res.snapshot).toEqual({ id: s.id, status: 'PENDING' });
    expect((await state(s.id)).status).toBe('PENDING');
  });
});

describe('changeSnapshotStatus follows the lifecycle', () => {
  it.each(pairs)('%s -> %s (all images ACTIVE)', async (from, to) => {
    const s = await snapshotIn(from);
    if (from === 'PENDING' || from === 'UNKNOWN' || from === 'FAILED') {
      // Every image ACTIVE, without moving the snapshot (a snapshot in these states keeps its own status).
      await sql('UPDATE snapshot_image SET status = $2 WHERE snapshot_id = $1', [s.id, CODE.ACTIVE]);
    }
    const before = await state(s.id);
    const res = await suite.server.gql(CHANGE_SNAPSHOT, { s: s.id, status: to });
    if (from === to || ALLOWED[from].includes(to)) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.changeSnapshotStatus).toEqual({ id: s.id, status: to });
      expect(await state(s.id)).toEqual({ ...before, status: to });
    } else {
      expectRefusal(res, 'INVALID_TRANSITION', `A snapshot cannot go from ${from} to ${to}`);
      expect(await state(s.id)).toEqual(before);
    }
  });

  it.each(['UNKNOWN', 'PENDING', 'FAILED', 'INVALIDATED'])('refuses ACTIVE from PENDING while an image is %s', async (imageStatus) => {
    const s = await snapshotIn('PENDING');
    await imageTo(s.images[0]!.id, 'ACTIVE');
    if (imageStatus !== 'UNKNOWN') await sql('UPDATE snapshot_image SET status = $2 WHERE id = $1', [s.images[1]!.id, CODE[imageStatus as Status]]);
    const before = await state(s.id);
    await refused(suite.server, CHANGE_SNAPSHOT, { s: s.id, status: 'ACTIVE' }, 'INVALID_TRANSITION', 'A snapshot can become ACTIVE only when all its images are ACTIVE');
    expect(await state(s.id)).toEqual(before);
  });

  it('refuses ACTIVE from UNKNOWN while an image is not ACTIVE', async () => {
    const s = await snapshotIn('UNKNOWN');
    await refused(suite.server, CHANGE_SNAPSHOT, { s: s.id, status: 'ACTIVE' }, 'INVALID_TRANSITION', 'A snapshot can become ACTIVE only when all its images are ACTIVE');
    expect((await state(s.id)).status).toBe('UNKNOWN');
  });

  it('refuses ACTIVE for a snapshot without images', async () => {
    const s = await snapshotIn('PENDING');
    await sql('DELETE FROM snapshot_image WHERE snapshot_id = $1', [s.id]);
    await refused(suite.server, CHANGE_SNAPSHOT, { s: s.id, status: 'ACTIVE' }, 'INVALID_TRANSITION', 'A snapshot without images cannot become ACTIVE');
    expect(await state(s.id)).toEqual({ status: 'PENDING', images: [] });
  });

  it('takes ACTIVE again on an ACTIVE snapshot as a no-op', async () => {
    const s = await snapshotIn('ACTIVE');
    expect((await ok(suite.server, CHANGE_SNAPSHOT, { s: s.id, status: 'ACTIVE' })).changeSnapshotStatus).toEqual({ id: s.id, status: 'ACTIVE' });
  });

  it('does not touch the images', async () => {
    const s = await snapshotIn('PENDING', 'PENDING');
    await ok(suite.server, CHANGE_SNAPSHOT, { s: s.id, status: 'FAILED' });
    expect(await state(s.id)).toEqual({ status: 'FAILED', images: ['PENDING', 'UNKNOWN'] });
  });

  it('is NOT_FOUND for a snapshot that does not exist', async () => {
    const id = randomUUID();
    await refused(suite.server, CHANGE_SNAPSHOT, { s: id, status: 'FAILED' }, 'NOT_FOUND', noSuch('snapshot', id));
  });
});

describe('snapshotBuildFinished', () => {
  const failedBuild: [Status, Status][] = [
    ['ACTIVE', 'INVALIDATED'],
    ['PENDING', 'FAILED'],
    ['UNKNOWN', 'FAILED'],
    ['FAILED', 'FAILED'],
    ['INVALIDATED', 'INVALIDATED'],
  ];
  it.each(failedBuild)('a build that did not pass: %s becomes %s, images untouched', async (from, to) => {
    const s = await snapshotIn(from);
    const before = await state(s.id);
    const data = await ok(suite.server, BUILD_FINISHED, { b: s.buildId, passed: false });
    expect(data.snapshotBuildFinished).toEqual({ id: s.id, status: to, buildId: s.buildId, images: before.images.map((status) => ({ status })) });
    expect(await state(s.id)).toEqual({ ...before, status: to });
  });

  it.each(STATUSES)('a build that passed: %s stays as it is', async (from) => {
    const s = await snapshotIn(from);
    const before = await state(s.id);
    const data = await ok(suite.server, BUILD_FINISHED, { b: s.buildId, passed: true });
    expect(data.snapshotBuildFinished).toMatchObject({ id: s.id, status: from });
    expect(await state(s.id)).toEqual(before);
  });

  it('is repeatable: the same report twice gives the same result', async () => {
    const s = await snapshotIn('ACTIVE');
    const first = await ok(suite.server, BUILD_FINISHED, { b: s.buildId, passed: false });
    const again = await ok(suite.server, BUILD_FINISHED, { b: s.buildId, passed: false });
    expect(again).toEqual(first);
  });

  it.each([true, false])('is null for a build no snapshot has (passed: %p), changing nothing', async (passed) => {
    const s = await snapshotIn('ACTIVE');
    const res = await suite.server.gql(BUILD_FINISHED, { b: randomUUID(), passed });
    expect(res).toEqual({ status: 200, data: { snapshotBuildFinished: null } });
    expect((await state(s.id)).status).toBe('ACTIVE');
  });
});
