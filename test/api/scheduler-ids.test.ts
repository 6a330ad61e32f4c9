import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { Initial1764028800000 } from '../../src/database/migrations/1764028800000-initial';
import { createTestDatabase } from '../helpers/database';
import { createPlan, createProject, createSnapshot, SNAPSHOT_FIELDS } from '../helpers/factories';
import { ok, operation } from '../helpers/graphql';
import { refused, undashedUpper } from '../helpers/refusals';
import { withSql } from '../helpers/sql';
import { startTestServer, useServers } from '../helpers/test-server';

/**
 * Build and job ids are the scheduler's own: any 1 to 255 characters without
 * control characters, kept exactly as given. A UUID, in any form an ID
 * argument takes, is kept in its canonical form, so its forms name one build.
 */
const suite = useServers(1);

const CREATE = `mutation($project: ID!, $buildId: ID, $images: [SnapshotImageInput!]) {
  createSnapshot(project: $project, buildId: $buildId, images: $images) { ${SNAPSHOT_FIELDS} }
}`;
const FINISHED = operation<{ snapshotBuildFinished: { id: string; status: string; buildId: string } | null }>(
  'mutation($b: ID!) { snapshotBuildFinished(build: $b, passed: false) { id status buildId } }',
);
const COUNT = operation<{ snapshots: { totalCount: number } }>('query($p: ID!) { snapshots(project: $p, state: ALL) { totalCount } }');

let project: { id: string; slug: string };
let plans: { id: string }[];

beforeAll(async () => {
  project = await createProject(suite.server);
  plans = [await createPlan(suite.server, project.id), await createPlan(suite.server, project.id)];
});

describe('build and job ids as schedulers name them', () => {
  it.each(['1234', 'main-5678', 'gh-run-9876543210-2', 'Nightly build #7 (release/2.x)', 'ビルド-42 ✓', ' padded '])(
    'keeps %p exactly as given, as a buildId and as a jobId',
    async (buildId) => {
      const jobId = `${buildId}/linux`;
      const s = await createSnapshot(suite.server, project.id, { buildId, images: [{ plan: plans[0]!.id, jobId }] });
      expect(s.buildId).toBe(buildId);
      expect(s.images.map((i) => i.jobId)).toEqual([jobId]);
      // The same build again is a retry; snapshotBuildFinished finds it by the same id.
      expect(await createSnapshot(suite.server, project.slug, { buildId })).toEqual(s);
      const finished = await ok(suite.server, FINISHED, { b: buildId });
      expect(finished.snapshotBuildFinished).toEqual({ id: s.id, status: 'FAILED', buildId });
    },
  );

  it('takes an integer literal (an ID argument reads it as its digits)', async () => {
    const data = await ok<{ createSnapshot: { buildId: string } }>(suite.server, `mutation { createSnapshot(project: "${project.slug}", buildId: 918273645) { buildId } }`);
    expect(data.createSnapshot.buildId).toBe('918273645');
  });

  it('takes 255 characters, counted as characters, not bytes', async () => {
    const long = 'b'.padEnd(254, 'x') + '✓';
    const emoji = '😀'.repeat(254) + '7';
    const s = await createSnapshot(suite.server, project.id, { buildId: long, images: [{ plan: plans[0]!.id, jobId: emoji }] });
    expect(s.buildId).toBe(long);
    expect([...s.images[0]!.jobId!]).toHaveLength(255);
  });

  it('tells ids apart by case and by every character, unless they are UUIDs', async () => {
    const lower = 'release-77';
    const upper = lower.toUpperCase();
    const a = await createSnapshot(suite.server, project.id, { buildId: lower });
    const b = await createSnapshot(suite.server, project.id, { buildId: upper });
    const c = await createSnapshot(suite.server, project.id, { buildId: `${lower} ` });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect([a.buildId, b.buildId, c.buildId]).toEqual([lower, upper, `${lower} `]);
  });

  it('keeps a UUID in its canonical form: 32 hex digits and the dashed form name one build and one job', async () => {
    const buildId = randomUUID();
    const jobId = randomUUID();
    const s = await createSnapshot(suite.server, project.id, {
      buildId: undashedUpper(buildId),
      images: [{ plan: plans[0]!.id, jobId: undashedUpper(jobId) }],
    });
    expect(s.buildId).toBe(buildId);
    expect(s.images[0]!.jobId).toBe(jobId);
    expect(await createSnapshot(suite.server, project.id, { buildId })).toEqual(s);
    expect(await createSnapshot(suite.server, project.id, { buildId: buildId.toUpperCase() })).toEqual(s);
    expect((await ok(suite.server, FINISHED, { b: buildId.replace(/-/g, '') })).snapshotBuildFinished).toEqual({
      id: s.id,
      status: 'FAILED',
      buildId,
    });
    await refused(
      suite.server,
      CREATE,
      { project: project.id, images: [{ plan: plans[0]!.id, jobId }] },
      'CONFLICT',
      `Job id ${jobId} is already used by another image`,
    );
  });

  it('is CONFLICT for a job id another image has, BAD_USER_INPUT for one named twice', async () => {
    const jobId = 'job-1';
    await createSnapshot(suite.server, project.id, { images: [{ plan: plans[0]!.id, jobId }] });
    await refused(suite.server, CREATE, { project: project.id, images: [{ plan: plans[1]!.id, jobId }] }, 'CONFLICT', `Job id ${jobId} is already used by another image`);
    const twice = 'job-2';
    await refused(
      suite.server,
      CREATE,
      { project: project.id, images: [{ plan: plans[0]!.id, jobId: twice }, { plan: plans[1]!.id, jobId: twice }] },
      'BAD_USER_INPUT',
      `Job id ${twice} is named more than once`,
      'images',
    );
  });
});

describe('build and job ids refused', () => {
  const cases: [string, string, string][] = [
    ['createSnapshot(buildId)', 'mutation($v: ID, $p: ID!) { createSnapshot(project: $p, buildId: $v) { id } }', 'buildId'],
    [
      'createSnapshot(images.jobId)',
      'mutation($v: ID, $p: ID!, $plan: ID!) { createSnapshot(project: $p, images: [{ plan: $plan, jobId: $v }]) { id } }',
      'images.jobId',
    ],
    ['snapshotBuildFinished(build)', 'mutation($v: ID!) { snapshotBuildFinished(build: $v, passed: true) { id } }', 'build'],
  ];
  const length = (argument: string, got: number) => `"${argument}" must be 1 to 255 characters long, got ${got}`;
  const control = (argument: string) => `"${argument}" must not contain control characters (U+0000 to U+001F, U+007F to U+009F)`;

  it.each(cases)('in %s: empty, over 255 characters, or with a control character, as BAD_USER_INPUT', async (_name, query, argument) => {
    const refusals: [string, string][] = [
      ['', length(argument, 0)],
      ['x'.repeat(256), length(argument, 256)],
      ['😀'.repeat(256), length(argument, 256)],
      ['main\n5678', control(argument)],
      ['main\t5678', control(argument)],
      ['main\u00005678', control(argument)],
      ['\u001b[31mred', control(argument)],
      ['main\u007f', control(argument)],
      ['main\u0085', control(argument)],
      ['main\r', control(argument)],
    ];
    for (const [value, message] of refusals) {
      await refused(suite.server, query, { v: value, p: project.id, plan: plans[0]!.id }, 'BAD_USER_INPUT', message, argument);
    }
  });

  it('creates nothing when it refuses', async () => {
    const before = await ok(suite.server, COUNT, { p: project.id });
    await suite.server.gql(CREATE, { project: project.id, buildId: 'x'.repeat(256) });
    await suite.server.gql(CREATE, { project: project.id, images: [{ plan: plans[0]!.id, jobId: 'a\nb' }] });
    const after = await ok(suite.server, COUNT, { p: project.id });
    expect(after.snapshots.totalCount).toBe(before.snapshots.totalCount);
  });
});

describe('the migration to scheduler ids', () => {
  it('turns the uuid columns into text, keeping the ids (canonical) and their unique constraints', async () => {
    const db = await createTestDatabase();
    try {
      // The schema as it was: build_id and job_id uuid, with a snapshot stored.
      const old = new DataSource({ ...dataSourceOptions({ url: db.url, poolSize: 1, statementTimeoutMs: 10_000 }), migrations: [Initial1764028800000] });
      await old.initialize();
      const buildId = randomUUID();
      const jobId = randomUUID();
      try {
        await old.runMigrations();
        const [{ id: projectId }] = (await old.query(`INSERT INTO project (slug, name) VALUES ('migrated', 'Migrated') RETURNING id`)) as [{ id: string }];
        const [{ id: planId }] = (await old.query(`INSERT INTO plan (project_id, label) VALUES ($1, 'linux') RETURNING id`, [projectId])) as [{ id: string }];
        const [{ id: snapshotId }] = (await old.query(`INSERT INTO snapshot (project_id, status, build_id) VALUES ($1, 4, $2) RETURNING id`, [
          projectId,
          undashedUpper(buildId),
        ])) as [{ id: string }];
        await old.query(`INSERT INTO snapshot_image (snapshot_id, plan_id, job_id) VALUES ($1, $2, $3)`, [snapshotId, planId, jobId]);
      } finally {
        await old.destroy();
      }

      // The server migrates at start.
      const server = await startTestServer(db.url);
      try {
        const found = await ok(server, FINISHED, { b: undashedUpper(buildId) });
        expect(found.snapshotBuildFinished).toMatchObject({ status: 'FAILED', buildId });
        const image = await ok<{ snapshots: { nodes: unknown[] } }>(server, 'query { snapshots(project: "migrated", state: ALL) { nodes { images { jobId } } } }');
        expect(image.snapshots.nodes).toEqual([{ images: [{ jobId }] }]);
        const made = await ok<{ createSnapshot: unknown }>(server, 'mutation { createSnapshot(project: "migrated", buildId: "main-1") { buildId images { jobId } } }');
        expect(made.createSnapshot).toEqual({ buildId: 'main-1', images: [{ jobId: null }] });
      } finally {
        await server.close();
      }

      const columns = await withSql(db.url, async (c) =>
        (
          await c.query<Record<string, unknown>>(
            `SELECT table_name, column_name, data_type, character_maximum_length AS max FROM information_schema.columns
             WHERE (table_name, column_name) IN (('snapshot', 'build_id'), ('snapshot_image', 'job_id')) ORDER BY table_name`,
          )
        ).rows,
      );
      expect(columns).toEqual([
        { table_name: 'snapshot', column_name: 'build_id', data_type: 'character varying', max: 255 },
        { table_name: 'snapshot_image', column_name: 'job_id', data_type: 'character varying', max: 255 },
      ]);
      await withSql(db.url, async (c) => {
        const [{ id: projectId }] = (await c.query<{ id: string }>(`SELECT id FROM project WHERE slug = 'migrated'`)).rows as [{ id: string }];
        await expect(c.query('INSERT INTO snapshot (project_id, build_id) VALUES ($1, $2)', [projectId, buildId])).rejects.toThrow(/snapshot_build_id_key/);
        await expect(c.query('UPDATE snapshot_image SET job_id = $1 WHERE job_id IS NULL', [jobId])).rejects.toThrow(/snapshot_image_job_id_key/);
      });
    } finally {
      await db.drop();
    }
  });
});
