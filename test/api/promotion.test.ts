import { randomUUID } from 'node:crypto';
import { activeSnapshot, createPlan, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { noSuch, refused } from '../helpers/refusals';
import { withSql } from '../helpers/sql';
import { subscribe } from '../helpers/subscriber';
import { bearer, type GqlResponse, TEST_API_TOKENS, TOKENS, useServers } from '../helpers/test-server';

/**
 * Promotion: the history of a project's current snapshot, compare-and-set,
 * rollback, invalidation with a reason, and who did each.
 */
const RELEASE_BOT = 'test-release-bot-token-0001';
const NIGHTLY = 'test-nightly-token-0001';
const suite = useServers(1, { API_TOKENS: `${TEST_API_TOKENS},scheduler:release-bot:${RELEASE_BOT},scheduler:nightly:${NIGHTLY}` });

const AS_BOT = bearer(RELEASE_BOT);
const AS_NIGHTLY = bearer(NIGHTLY);

const SET = `mutation($p: ID!, $s: ID, $v: Int, $r: String) {
  setCurrentSnapshot(project: $p, snapshot: $s, ifVersion: $v, reason: $r) { currentVersion currentSnapshot { id } }
}`;
const ROLLBACK = `mutation($p: ID!, $r: String!, $v: Int) {
  rollbackCurrentSnapshot(project: $p, reason: $r, ifVersion: $v) { currentVersion currentSnapshot { id } }
}`;
const INVALIDATE = `mutation($s: ID!, $r: String!, $rollback: Boolean) {
  invalidateSnapshot(snapshot: $s, reason: $r, rollback: $rollback) {
    id status statusReason isCurrent project { currentVersion currentSnapshot { id } }
  }
}`;
const HISTORY = `query($p: ID!, $first: Int, $after: String) {
  project(id: $p) {
    currentVersion
    currentSnapshot { id }
    currentHistory(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { version kind from { id } to { id } downgrade actor reason at project { id } }
    }
  }
}`;
const STATUS_HISTORY = `query($s: ID!) {
  snapshot(id: $s) { status statusReason statusHistory { from to actor reason image { id } at } }
}`;

interface Change {
  version: number;
  kind: string;
  from: { id: string } | null;
  to: { id: string } | null;
  downgrade: boolean;
  actor: string;
  reason: string | null;
  at: string;
}

/** Runs an operation that must succeed, with the given headers (the admin token by default). */
async function run(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await suite.server.gql(query, variables, headers);
  if (res.errors?.length || !res.data) throw new Error(`expected success, got ${res.status} ${JSON.stringify(res.errors)}`);
  return res.data;
}

async function newProject() {
  const p = await createProject(suite.server);
  await createPlan(suite.server, p.id);
  return p;
}

async function activeSnapshotId(project: string): Promise<string> {
  return (await activeSnapshot(suite.server, project)).id;
}

async function activeSnapshots(project: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await activeSnapshotId(project));
  return ids;
}

async function history(project: string, first = 100) {
  const data = await run(HISTORY, { p: project, first });
  return data.project as {
    currentVersion: number;
    currentSnapshot: { id: string } | null;
    currentHistory: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Change[] };
  };
}

/** Each change as [version, kind, from, to, actor, reason], newest first. */
async function moves(project: string) {
  return (await history(project)).currentHistory.nodes.map((c) => [c.version, c.kind, c.from?.id ?? null, c.to?.id ?? null, c.actor, c.reason]);
}

const set = (p: string, s: string | null, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  run(SET, { p, s, ...extra }, headers);
const rollback = (p: string, reason = 'bad release', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  run(ROLLBACK, { p, r: reason, ...extra }, headers);
const currentOf = async (p: string) => (await history(p)).currentSnapshot?.id ?? null;

/** Asserts a CONFLICT refusal of a compare-and-set, with the version that won. */
function expectConflict(res: GqlResponse, slug: string, currentVersion: number, ifVersion: number): void {
  expect({ status: res.status, errors: res.errors }).toEqual({
    status: 200,
    errors: [
      {
        message: `Project ${slug} is at version ${currentVersion}, not ${ifVersion}: its current snapshot changed since`,
        locations: expect.any(Array),
        path: expect.any(Array),
        extensions: { code: 'CONFLICT', currentVersion },
      },
    ],
  });
  expect(res.data).toBeNull();
}

const NOWHERE = (slug: string) =>
  `Project ${slug} has nowhere to roll back to: no earlier current snapshot is ACTIVE, unexpired and other than the present one`;

describe('currentHistory and currentVersion', () => {
  it('a new project is at version 0, with no history', async () => {
    const p = await newProject();
    expect(await history(p.id)).toEqual({
      currentVersion: 0,
      currentSnapshot: null,
      currentHistory: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
    });
  });

  it('each set and clear adds one change, with the next version, the token\'s name, the reason and the time; newest first', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    const started = Date.now();
    expect(await set(p.slug, a!, { r: 'first release' }, AS_BOT)).toEqual({ setCurrentSnapshot: { currentVersion: 1, currentSnapshot: { id: a } } });
    expect(await set(p.id, b!)).toEqual({ setCurrentSnapshot: { currentVersion: 2, currentSnapshot: { id: b } } });
    expect(await set(p.id, null, { r: 'pause deploys' }, AS_NIGHTLY)).toEqual({ setCurrentSnapshot: { currentVersion: 3, currentSnapshot: null } });

    const h = await history(p.id);
    expect(h.currentVersion).toBe(3);
    expect(h.currentHistory.totalCount).toBe(3);
    expect(await moves(p.id)).toEqual([
      [3, 'CLEARED', b, null, 'nightly', 'pause deploys'],
      [2, 'SET', a, b, 'admin', null],
      [1, 'SET', null, a, 'release-bot', 'first release'],
    ]);
    expect(h.currentHistory.nodes.every((c) => c.downgrade === false)).toBe(true);
    const times = h.currentHistory.nodes.map((c) => Date.parse(c.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(times.every((t) => t >= started - 60_000 && t <= Date.now() + 60_000)).toBe(true);
    expect(h.currentHistory.nodes.every((c) => (c as unknown as { project: { id: string } }).project.id === p.id)).toBe(true);
  });

  it('setting the snapshot that is already current (or clearing twice) changes and records nothing; ifVersion is still checked', async () => {
    const p = await newProject();
    const [a] = await activeSnapshots(p.id, 1);
    await set(p.id, a!);
    expect(await set(p.id, a!, { r: 'again' })).toEqual({ setCurrentSnapshot: { currentVersion: 1, currentSnapshot: { id: a } } });
    expect(await set(p.id, a!, { v: 1 })).toEqual({ setCurrentSnapshot: { currentVersion: 1, currentSnapshot: { id: a } } });
    expectConflict(await suite.server.gql(SET, { p: p.id, s: a, v: 0 }), p.slug, 1, 0);
    await set(p.id, null);
    await set(p.id, null);
    expect(await moves(p.id)).toEqual([
      [2, 'CLEARED', a, null, 'admin', null],
      [1, 'SET', null, a, 'admin', null],
    ]);
  });

  it('downgrade: both set and the new one created before the old one', async () => {
    const p = await newProject();
    const [older, newer] = await activeSnapshots(p.id, 2);
    await set(p.id, newer!);
    await set(p.id, older!);
    await set(p.id, newer!);
    await set(p.id, null);
    const nodes = (await history(p.id)).currentHistory.nodes;
    expect(nodes.map((c) => [c.version, c.downgrade])).toEqual([
      [4, false],
      [3, false],
      [2, true],
      [1, false],
    ]);
  });

  it('pages newest first with opaque cursors; first is 1 to 100; totalCount counts all pages', async () => {
    const p = await newProject();
    const ids = await activeSnapshots(p.id, 2);
    for (let n = 0; n < 7; n++) await set(p.id, ids[n % 2]!);
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const data = await run(HISTORY, { p: p.id, first: 3, after });
      const page = data.project.currentHistory;
      expect(page.totalCount).toBe(7);
      seen.push(...page.nodes.map((c: Change) => c.version));
      if (!page.pageInfo.hasNextPage) {
        expect(page.pageInfo.endCursor).toEqual(page.nodes.length ? expect.any(String) : null);
        break;
      }
      expect(page.nodes).toHaveLength(3);
      expect(page.pageInfo.endCursor).not.toMatch(/^\d+$/);
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    // A change made between pages does not move the pages after the cursor.
    const first = (await run(HISTORY, { p: p.id, first: 2 })).project.currentHistory;
    await set(p.id, null);
    const next = (await run(HISTORY, { p: p.id, first: 2, after: first.pageInfo.endCursor })).project.currentHistory;
    expect(next.nodes.map((c: Change) => c.version)).toEqual([5, 4]);
    expect(next.totalCount).toBe(8);

    for (const bad of [0, 101, -1]) {
      await refused(suite.server, HISTORY, { p: p.id, first: bad }, 'BAD_USER_INPUT', `"first" must be from 1 to 100, got ${bad}`, 'first');
    }
    const forged = [
      'nope',
      Buffer.from('h1:0').toString('base64url'),
      Buffer.from('h1:99999999999').toString('base64url'),
      Buffer.from('h1:3x').toString('base64url'),
      Buffer.from(`v1:1700000000000000:${randomUUID()}`).toString('base64url'),
    ];
    for (const cursor of forged) {
      await refused(suite.server, HISTORY, { p: p.id, after: cursor }, 'BAD_USER_INPUT', '"after" is not a cursor this server gave out', 'after');
    }
  });

  it('ifVersion: when the project is at another version, CONFLICT with the version that won, and nothing changes', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    expect(await set(p.id, a!, { v: 0 })).toEqual({ setCurrentSnapshot: { currentVersion: 1, currentSnapshot: { id: a } } });
    expectConflict(await suite.server.gql(SET, { p: p.id, s: b, v: 0 }), p.slug, 1, 0);
    expectConflict(await suite.server.gql(SET, { p: p.slug, s: null, v: 2 }), p.slug, 1, 2);
    expectConflict(await suite.server.gql(SET, { p: p.id, s: b, v: -1 }), p.slug, 1, -1);
    expect(await currentOf(p.id)).toBe(a);
    expect(await set(p.id, b!, { v: 1 })).toEqual({ setCurrentSnapshot: { currentVersion: 2, currentSnapshot: { id: b } } });
    expect((await history(p.id)).currentHistory.totalCount).toBe(2);
  });

  it('refused sets record nothing and leave the version as it was', async () => {
    const p = await newProject();
    const other = await newProject();
    const [a] = await activeSnapshots(p.id, 1);
    const [foreign] = await activeSnapshots(other.id, 1);
    const pending = (await createSnapshot(suite.server, p.id)).id;
    await set(p.id, a!);
    await refused(suite.server, SET, { p: p.id, s: pending }, 'INVALID_TRANSITION', `Only an ACTIVE snapshot can be current; snapshot ${pending} is PENDING`);
    await refused(suite.server, SET, { p: p.id, s: foreign }, 'BAD_USER_INPUT', `Snapshot ${foreign} is not a snapshot of project ${p.slug}`, 'snapshot');
    const missing = randomUUID();
    await refused(suite.server, SET, { p: p.id, s: missing }, 'NOT_FOUND', noSuch('snapshot', missing));
    await refused(suite.server, SET, { p: 'no-such-project', s: a }, 'NOT_FOUND', noSuch('project', 'no-such-project'));
    expect(await moves(p.id)).toEqual([[1, 'SET', null, a, 'admin', null]]);
  });

  it('a reason is up to 1000 characters without NUL (BAD_USER_INPUT otherwise, and nothing changes)', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    const longest = 'é'.repeat(1000);
    await set(p.id, a!, { r: longest });
    expect((await history(p.id)).currentHistory.nodes[0]!.reason).toBe(longest);
    await set(p.id, b!, { r: '' });
    expect((await history(p.id)).currentHistory.nodes[0]!.reason).toBe('');
    await refused(suite.server, SET, { p: p.id, s: a, r: 'x'.repeat(1001) }, 'BAD_USER_INPUT', '"reason" must be 0 to 1000 characters long, got 1001', 'reason');
    await refused(suite.server, SET, { p: p.id, s: a, r: 'a\u0000b' }, 'BAD_USER_INPUT', '"reason" must not contain NUL characters', 'reason');
    expect((await history(p.id)).currentVersion).toBe(2);
  });
});

describe('rollbackCurrentSnapshot', () => {
  it('set A, set B, set C; rollback gives B, then A, then INVALID_TRANSITION and nothing changes', async () => {
    const p = await newProject();
    const [a, b, c] = await activeSnapshots(p.id, 3);
    for (const s of [a, b, c]) await set(p.id, s!);
    expect(await rollback(p.id, 'C breaks the linker', {}, AS_BOT)).toEqual({ rollbackCurrentSnapshot: { currentVersion: 4, currentSnapshot: { id: b } } });
    expect(await rollback(p.slug, 'B too')).toEqual({ rollbackCurrentSnapshot: { currentVersion: 5, currentSnapshot: { id: a } } });
    await refused(suite.server, ROLLBACK, { p: p.id, r: 'and A?' }, 'INVALID_TRANSITION', NOWHERE(p.slug));
    expect(await moves(p.id)).toEqual([
      [5, 'ROLLBACK', b, a, 'admin', 'B too'],
      [4, 'ROLLBACK', c, b, 'release-bot', 'C breaks the linker'],
      [3, 'SET', b, c, 'admin', null],
      [2, 'SET', a, b, 'admin', null],
      [1, 'SET', null, a, 'admin', null],
    ]);
    const nodes = (await history(p.id)).currentHistory.nodes;
    expect(nodes.map((n) => n.downgrade)).toEqual([true, true, false, false, false]);
  });

  it('set A, set B, rollback (A), set C, rollback: A', async () => {
    const p = await newProject();
    const [a, b, c] = await activeSnapshots(p.id, 3);
    await set(p.id, a!);
    await set(p.id, b!);
    expect((await rollback(p.id)).rollbackCurrentSnapshot.currentSnapshot.id).toBe(a);
    await set(p.id, c!);
    expect((await rollback(p.id)).rollbackCurrentSnapshot.currentSnapshot.id).toBe(a);
    await refused(suite.server, ROLLBACK, { p: p.id, r: 'again' }, 'INVALID_TRANSITION', NOWHERE(p.slug));
    expect((await history(p.id)).currentVersion).toBe(5);
  });

  it('skips a value that is no longer ACTIVE, and one that is empty', async () => {
    const p = await newProject();
    const [a, b, c] = await activeSnapshots(p.id, 3);
    for (const s of [a, b, c]) await set(p.id, s!);
    await ok(suite.server, 'mutation($s: ID!) { changeSnapshotStatus(snapshot: $s, status: INVALIDATED) { id } }', { s: b });
    expect((await rollback(p.id)).rollbackCurrentSnapshot.currentSnapshot.id).toBe(a);
    await refused(suite.server, ROLLBACK, { p: p.id, r: 'again' }, 'INVALID_TRANSITION', NOWHERE(p.slug));

    const q = await newProject();
    const [d] = await activeSnapshots(q.id, 1);
    await set(q.id, d!);
    await set(q.id, null);
    expect(await rollback(q.id, 'restore')).toEqual({ rollbackCurrentSnapshot: { currentVersion: 3, currentSnapshot: { id: d } } });
    await refused(suite.server, ROLLBACK, { p: q.id, r: 'again' }, 'INVALID_TRANSITION', NOWHERE(q.slug));
  });

  it('nothing to undo: INVALID_TRANSITION for a project never set, or set once', async () => {
    const p = await newProject();
    await refused(suite.server, ROLLBACK, { p: p.id, r: 'why' }, 'INVALID_TRANSITION', NOWHERE(p.slug));
    await set(p.id, (await activeSnapshots(p.id, 1))[0]!);
    await refused(suite.server, ROLLBACK, { p: p.id, r: 'why' }, 'INVALID_TRANSITION', NOWHERE(p.slug));
    expect((await history(p.id)).currentVersion).toBe(1);
    await refused(suite.server, ROLLBACK, { p: 'no-such-project', r: 'why' }, 'NOT_FOUND', noSuch('project', 'no-such-project'));
  });

  it('ifVersion: CONFLICT with the version that won, and nothing changes', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    await set(p.id, a!);
    await set(p.id, b!);
    expectConflict(await suite.server.gql(ROLLBACK, { p: p.id, r: 'late', v: 1 }), p.slug, 2, 1);
    expect(await currentOf(p.id)).toBe(b);
    expect(await rollback(p.id, 'on time', { v: 2 })).toEqual({ rollbackCurrentSnapshot: { currentVersion: 3, currentSnapshot: { id: a } } });
  });

  it('needs a reason of 1 to 1000 characters', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    await set(p.id, a!);
    await set(p.id, b!);
    await refused(suite.server, ROLLBACK, { p: p.id, r: '' }, 'BAD_USER_INPUT', '"reason" must be 1 to 1000 characters long, got 0', 'reason');
    await refused(suite.server, ROLLBACK, { p: p.id, r: 'x'.repeat(1001) }, 'BAD_USER_INPUT', '"reason" must be 1 to 1000 characters long, got 1001', 'reason');
    await refused(suite.server, ROLLBACK, { p: p.id, r: '\u0000' }, 'BAD_USER_INPUT', '"reason" must not contain NUL characters', 'reason');
    const missing = await suite.server.gql('mutation($p: ID!) { rollbackCurrentSnapshot(project: $p) { id } }', { p: p.id });
    expect([missing.status, missing.errors?.[0]?.extensions?.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(await currentOf(p.id)).toBe(b);
    expect((await history(p.id)).currentVersion).toBe(2);
  });
});

describe('invalidateSnapshot', () => {
  it('with rollback, on the current snapshot: INVALIDATED with the reason, and the project rolls back in the same change', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    await set(p.id, a!);
    await set(p.id, b!);
    const data = await run(INVALIDATE, { s: b, r: 'CVE-2026-0001 in the base image', rollback: true }, AS_BOT);
    expect(data.invalidateSnapshot).toEqual({
      id: b,
      status: 'INVALIDATED',
      statusReason: 'CVE-2026-0001 in the base image',
      isCurrent: false,
      project: { currentVersion: 3, currentSnapshot: { id: a } },
    });
    expect((await moves(p.id))[0]).toEqual([3, 'ROLLBACK', b, a, 'release-bot', 'CVE-2026-0001 in the base image']);
    const status = (await run(STATUS_HISTORY, { s: b })).snapshot;
    expect(status.statusHistory.at(-1)).toEqual({
      from: 'ACTIVE',
      to: 'INVALIDATED',
      actor: 'release-bot',
      reason: 'CVE-2026-0001 in the base image',
      image: null,
      at: expect.any(String),
    });
  });

  it('with rollback and nowhere to go: the snapshot stays current, and is INVALIDATED all the same', async () => {
    const p = await newProject();
    const [a] = await activeSnapshots(p.id, 1);
    await set(p.id, a!);
    const data = await run(INVALIDATE, { s: a, r: 'broken', rollback: true });
    expect(data.invalidateSnapshot).toEqual({
      id: a,
      status: 'INVALIDATED',
      statusReason: 'broken',
      isCurrent: true,
      project: { currentVersion: 1, currentSnapshot: { id: a } },
    });
    expect(await moves(p.id)).toEqual([[1, 'SET', null, a, 'admin', null]]);
  });

  it('without rollback (the default), or on a snapshot that is not current, the current snapshot stays', async () => {
    const p = await newProject();
    const [a, b, c] = await activeSnapshots(p.id, 3);
    await set(p.id, a!);
    await set(p.id, b!);
    const data = await run(INVALIDATE, { s: b, r: 'flaky' });
    expect(data.invalidateSnapshot).toMatchObject({ status: 'INVALIDATED', isCurrent: true, project: { currentVersion: 2, currentSnapshot: { id: b } } });
    const other = await run(INVALIDATE, { s: c, r: 'never used', rollback: true });
    expect(other.invalidateSnapshot).toMatchObject({ status: 'INVALIDATED', isCurrent: false, project: { currentVersion: 2, currentSnapshot: { id: b } } });
    // A later rollback still leaves the invalidated current snapshot for A.
    expect((await rollback(p.id)).rollbackCurrentSnapshot.currentSnapshot.id).toBe(a);
  });

  it('follows the lifecycle: from ACTIVE or UNKNOWN; already INVALIDATED succeeds and records nothing; else INVALID_TRANSITION', async () => {
    const p = await newProject();
    const pending = (await createSnapshot(suite.server, p.id)).id;
    await refused(suite.server, INVALIDATE, { s: pending, r: 'x' }, 'INVALID_TRANSITION', 'A snapshot cannot go from PENDING to INVALIDATED');
    const failed = await createSnapshot(suite.server, p.id);
    await setImageStatus(suite.server, failed.images[0]!.id, 'FAILED');
    await refused(suite.server, INVALIDATE, { s: failed.id, r: 'x' }, 'INVALID_TRANSITION', 'A snapshot cannot go from FAILED to INVALIDATED');
    const missing = randomUUID();
    await refused(suite.server, INVALIDATE, { s: missing, r: 'x' }, 'NOT_FOUND', noSuch('snapshot', missing));

    const unknown = (await createSnapshot(suite.server, p.id)).id;
    await withSql(suite.db.url, (c) => c.query('UPDATE snapshot SET status = 0 WHERE id = $1', [unknown]));
    expect((await run(INVALIDATE, { s: unknown, r: 'never built' })).invalidateSnapshot.status).toBe('INVALIDATED');

    const [active] = await activeSnapshots(p.id, 1);
    await run(INVALIDATE, { s: active, r: 'first' });
    const before = (await run(STATUS_HISTORY, { s: active })).snapshot;
    const again = await run(INVALIDATE, { s: active, r: 'second', rollback: true });
    expect(again.invalidateSnapshot).toMatchObject({ status: 'INVALIDATED', statusReason: 'first' });
    expect((await run(STATUS_HISTORY, { s: active })).snapshot).toEqual(before);
    expect(before.statusHistory.map((c: { from: string; to: string }) => `${c.from}>${c.to}`)).toEqual(['UNKNOWN>PENDING', 'PENDING>ACTIVE', 'ACTIVE>INVALIDATED']);
    expect((await run(STATUS_HISTORY, { s: pending })).snapshot.statusHistory).toHaveLength(1);
  });

  it('needs a reason of 1 to 1000 characters', async () => {
    const p = await newProject();
    const [a] = await activeSnapshots(p.id, 1);
    await refused(suite.server, INVALIDATE, { s: a, r: '' }, 'BAD_USER_INPUT', '"reason" must be 1 to 1000 characters long, got 0', 'reason');
    await refused(suite.server, INVALIDATE, { s: a, r: 'y'.repeat(1001) }, 'BAD_USER_INPUT', '"reason" must be 1 to 1000 characters long, got 1001', 'reason');
    expect((await run(STATUS_HISTORY, { s: a })).snapshot.status).toBe('ACTIVE');
  });
});

describe('statusHistory and statusReason', () => {
  it('starts with UNKNOWN to PENDING at creation, by the creating token', async () => {
    const p = await newProject();
    const s = await run(`mutation($p: ID!) { createSnapshot(project: $p) { id } }`, { p: p.id }, AS_BOT);
    const data = (await run(STATUS_HISTORY, { s: s.createSnapshot.id })).snapshot;
    expect(data).toEqual({
      status: 'PENDING',
      statusReason: null,
      statusHistory: [{ from: 'UNKNOWN', to: 'PENDING', actor: 'release-bot', reason: null, image: null, at: expect.any(String) }],
    });
  });

  it('records the image whose change moved the snapshot, with that change\'s reason and token', async () => {
    const p = await newProject();
    await createPlan(suite.server, p.id);
    const s = await createSnapshot(suite.server, p.id);
    const [first, second] = s.images;
    const change = `mutation($i: ID!, $st: SnapshotStatus!, $r: String) { changeImageStatus(image: $i, status: $st, reason: $r) { id } }`;
    await run(change, { i: first!.id, st: 'ACTIVE', r: 'linux built' });
    await run(change, { i: second!.id, st: 'ACTIVE', r: 'windows built' }, AS_NIGHTLY);
    let data = (await run(STATUS_HISTORY, { s: s.id })).snapshot;
    expect(data.statusReason).toBe('windows built');
    expect(data.statusHistory.map((c: any) => [c.from, c.to, c.actor, c.reason, c.image?.id ?? null])).toEqual([
      ['UNKNOWN', 'PENDING', 'admin', null, null],
      ['PENDING', 'ACTIVE', 'nightly', 'windows built', second!.id],
    ]);
    await run(change, { i: first!.id, st: 'INVALIDATED', r: 'disk image corrupt' }, AS_BOT);
    data = (await run(STATUS_HISTORY, { s: s.id })).snapshot;
    expect(data.status).toBe('INVALIDATED');
    expect(data.statusReason).toBe('disk image corrupt');
    expect(data.statusHistory.at(-1)).toMatchObject({ from: 'ACTIVE', to: 'INVALIDATED', actor: 'release-bot', image: { id: first!.id } });
    const times = data.statusHistory.map((c: { at: string }) => Date.parse(c.at));
    expect([...times].sort((x: number, y: number) => x - y)).toEqual(times);
  });

  it('changeSnapshotStatus records its reason; a change without one leaves statusReason null', async () => {
    const p = await newProject();
    const [a] = await activeSnapshots(p.id, 1);
    expect((await run(STATUS_HISTORY, { s: a })).snapshot.statusReason).toBeNull();
    const byHand = `mutation($s: ID!, $r: String) { changeSnapshotStatus(snapshot: $s, status: INVALIDATED, reason: $r) { statusReason } }`;
    expect(await run(byHand, { s: a, r: 'revoked by hand' })).toEqual({ changeSnapshotStatus: { statusReason: 'revoked by hand' } });
    // Repeated: succeeds, records nothing.
    expect(await run(byHand, { s: a, r: 'again' })).toEqual({ changeSnapshotStatus: { statusReason: 'revoked by hand' } });
    expect((await run(STATUS_HISTORY, { s: a })).snapshot.statusHistory).toHaveLength(3);
    const b = (await createSnapshot(suite.server, p.id)).id;
    await run('mutation($s: ID!) { changeSnapshotStatus(snapshot: $s, status: FAILED) { id } }', { s: b });
    expect((await run(STATUS_HISTORY, { s: b })).snapshot).toMatchObject({ status: 'FAILED', statusReason: null });
  });

  it('snapshotBuildFinished records "build <id> did not pass" when it fails or invalidates a snapshot', async () => {
    const p = await newProject();
    const finished = `mutation($b: ID!, $passed: Boolean!) { snapshotBuildFinished(build: $b, passed: $passed) { status statusReason } }`;
    const building = randomUUID();
    const pending = await createSnapshot(suite.server, p.id, { buildId: building });
    expect(await run(finished, { b: building, passed: false })).toEqual({ snapshotBuildFinished: { status: 'FAILED', statusReason: `build ${building} did not pass` } });
    const built = randomUUID();
    const active = await createSnapshot(suite.server, p.id, { buildId: built });
    await setImageStatus(suite.server, active.images[0]!.id, 'ACTIVE');
    expect(await run(finished, { b: built, passed: true })).toEqual({ snapshotBuildFinished: { status: 'ACTIVE', statusReason: null } });
    expect(await run(finished, { b: built, passed: false })).toEqual({ snapshotBuildFinished: { status: 'INVALIDATED', statusReason: `build ${built} did not pass` } });
    expect(await run(finished, { b: built, passed: false })).toEqual({ snapshotBuildFinished: { status: 'INVALIDATED', statusReason: `build ${built} did not pass` } });
    const steps = async (id: string) =>
      (await run(STATUS_HISTORY, { s: id })).snapshot.statusHistory.map((c: any) => `${c.from}>${c.to}:${c.reason ?? ''}`);
    expect(await steps(pending.id)).toEqual(['UNKNOWN>PENDING:', `PENDING>FAILED:build ${building} did not pass`]);
    expect(await steps(active.id)).toEqual(['UNKNOWN>PENDING:', 'PENDING>ACTIVE:', `ACTIVE>INVALIDATED:build ${built} did not pass`]);
  });

  it('reasons of image and snapshot changes: up to 1000 characters without NUL; a refused change records nothing', async () => {
    const p = await newProject();
    const s = await createSnapshot(suite.server, p.id);
    const image = `mutation($i: ID!, $r: String) { changeImageStatus(image: $i, status: ACTIVE, reason: $r) { id } }`;
    const snapshot = `mutation($s: ID!, $r: String) { changeSnapshotStatus(snapshot: $s, status: FAILED, reason: $r) { id } }`;
    await refused(suite.server, image, { i: s.images[0]!.id, r: 'x'.repeat(1001) }, 'BAD_USER_INPUT', '"reason" must be 0 to 1000 characters long, got 1001', 'reason');
    await refused(suite.server, image, { i: s.images[0]!.id, r: '\u0000' }, 'BAD_USER_INPUT', '"reason" must not contain NUL characters', 'reason');
    await refused(suite.server, snapshot, { s: s.id, r: 'x'.repeat(1001) }, 'BAD_USER_INPUT', '"reason" must be 0 to 1000 characters long, got 1001', 'reason');
    await refused(
      suite.server,
      'mutation($s: ID!) { changeSnapshotStatus(snapshot: $s, status: ACTIVE, reason: "no") { id } }',
      { s: s.id },
      'INVALID_TRANSITION',
      'A snapshot can become ACTIVE only when all its images are ACTIVE',
    );
    expect((await run(STATUS_HISTORY, { s: s.id })).snapshot.statusHistory).toHaveLength(1);
  });
});

describe('roles and actors', () => {
  it('rollbackCurrentSnapshot and invalidateSnapshot need a scheduler token: 401 without one, 403 for a viewer', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    await set(p.id, a!);
    await set(p.id, b!);
    for (const [query, variables] of [
      [ROLLBACK, { p: p.id, r: 'no' }],
      [INVALIDATE, { s: b, r: 'no', rollback: true }],
    ] as const) {
      const anonymous = await suite.server.gql(query, variables, { authorization: '' });
      expect([anonymous.status, anonymous.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
      const viewer = await suite.server.gql(query, variables, bearer(TOKENS.viewer));
      expect([viewer.status, viewer.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect(await moves(p.id)).toHaveLength(2);
    expect((await run(STATUS_HISTORY, { s: b })).snapshot.status).toBe('ACTIVE');
    await rollback(p.id, 'allowed', {}, bearer(TOKENS.scheduler));
    expect((await moves(p.id))[0]).toEqual([3, 'ROLLBACK', b, a, 'scheduler', 'allowed']);
  });
});

describe('history is only ever added to', () => {
  it('rows written before later sets, rollbacks and invalidations are unchanged', async () => {
    const p = await newProject();
    const [a, b, c] = await activeSnapshots(p.id, 3);
    await set(p.id, a!);
    await set(p.id, b!);
    const rows = (sql: string) => withSql(suite.db.url, async (client) => (await client.query(sql, [p.id])).rows);
    const CURRENT_ROWS = 'SELECT * FROM current_snapshot_change WHERE project_id = $1 ORDER BY version';
    const STATUS_ROWS = 'SELECT c.* FROM snapshot_status_change c JOIN snapshot s ON s.id = c.snapshot_id WHERE s.project_id = $1 ORDER BY c.id';
    const [currentBefore, statusBefore] = [await rows(CURRENT_ROWS), await rows(STATUS_ROWS)];
    await set(p.id, c!);
    await rollback(p.id);
    await run(INVALIDATE, { s: b, r: 'bad', rollback: true });
    await set(p.id, null);
    const [currentAfter, statusAfter] = [await rows(CURRENT_ROWS), await rows(STATUS_ROWS)];
    expect(currentAfter.slice(0, currentBefore.length)).toEqual(currentBefore);
    expect(statusAfter.slice(0, statusBefore.length)).toEqual(statusBefore);
    expect(currentAfter.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(statusAfter.length).toBe(statusBefore.length + 1);
  });
});

describe('live updates', () => {
  it('a rollback tells both snapshots, as a set does; a refused one tells nothing', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    await set(p.id, a!);
    await set(p.id, b!);
    const subscriber = await subscribe(suite.server, { project: p.id });
    try {
      await rollback(p.id);
      const events = (await subscriber.waitFor(2)).map((e) => e.data.snapshotChanged);
      expect(events.map((e) => [e.id, e.isCurrent]).sort()).toEqual([[a, true], [b, false]].sort());
      await refused(suite.server, ROLLBACK, { p: p.id, r: 'again' }, 'INVALID_TRANSITION', NOWHERE(p.slug));
      // invalidateSnapshot with rollback: the invalidated snapshot and the one rolled back to.
      await set(p.id, b!);
      await subscriber.waitFor(4);
      await run(INVALIDATE, { s: b, r: 'bad', rollback: true });
      const more = (await subscriber.waitFor(6)).slice(4).map((e) => e.data.snapshotChanged);
      expect(more.map((e) => [e.id, e.status, e.isCurrent]).sort()).toEqual([[a, 'ACTIVE', true], [b, 'INVALIDATED', false]].sort());
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(subscriber.received).toHaveLength(6);
    } finally {
      await subscriber.close();
    }
  });
});

describe('statements', () => {
  /** The statements one operation ran on the server. */
  async function statementsOf(query: string, variables: Record<string, unknown> = {}): Promise<string[]> {
    suite.server.queries.clear();
    await ok(suite.server, query, variables);
    return [...suite.server.queries.statements];
  }

  it('the histories of every project on a page, with their snapshots, take the same few statements for 1 or 5 projects', async () => {
    const BOARD = `{ projects { slug currentVersion currentHistory(first: 5) { totalCount nodes { version downgrade from { id status } to { id } } } } }`;
    const p = await newProject();
    const ids = await activeSnapshots(p.id, 2);
    for (const s of [...ids, ...ids]) await set(p.id, s);
    const one = await statementsOf(BOARD);
    for (let n = 0; n < 4; n++) {
      const q = await newProject();
      for (const s of await activeSnapshots(q.id, 2)) await set(q.id, s);
    }
    const five = await statementsOf(BOARD);
    // projects, history pages, history counts, snapshots by id.
    expect([one.length, five.length]).toEqual([4, 4]);
  });

  it('a page of snapshots with their status histories, reasons and images takes the same statements for 1 or 20', async () => {
    const p = await newProject();
    await activeSnapshots(p.id, 20);
    const PAGE = `query($p: ID!, $first: Int!) {
      snapshots(project: $p, first: $first) { nodes { statusReason statusHistory { from to image { id status } } } }
    }`;
    const counts = [];
    for (const first of [1, 20]) counts.push((await statementsOf(PAGE, { p: p.id, first })).length);
    // project, page, status histories, images by id.
    expect(counts).toEqual([4, 4]);
  });

  it('setCurrentSnapshot and rollbackCurrentSnapshot take a fixed number of statements', async () => {
    const p = await newProject();
    const [a, b] = await activeSnapshots(p.id, 2);
    await set(p.id, a!);
    const setting = await statementsOf('mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id } }', { p: p.id, s: b });
    const rolling = await statementsOf('mutation($p: ID!) { rollbackCurrentSnapshot(project: $p, reason: "x") { id } }', { p: p.id });
    const shape = (statements: string[]) => statements.map((s) => s.trim().split(/\s+/)[0]!.toUpperCase());
    console.log(`promotion statements: set ${setting.length} (${shape(setting).join(' ')}), rollback ${rolling.length} (${shape(rolling).join(' ')})`);
    expect(setting.length).toBeLessThanOrEqual(6);
    expect(rolling.length).toBeLessThanOrEqual(8);
  });
});
