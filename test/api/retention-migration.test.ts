import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { migrations } from '../../src/database/migrations';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { withSql } from '../helpers/sql';

/**
 * The retention migration on a database that already has data: every
 * project gets the default policy, no snapshot has expired, no lease exists;
 * and it can be undone.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function dataSource(count: number): DataSource {
  return new DataSource({ ...dataSourceOptions({ url: db.url, poolSize: 1, statementTimeoutMs: 10_000 }), migrations: migrations.slice(0, count) });
}

async function migrateTo(count: number): Promise<void> {
  const ds = dataSource(count);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

const columns = (table: string) =>
  withSql(db.url, async (c) =>
    (await c.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY column_name', [table])).rows.map((r) => r.column_name),
  );

it('gives existing projects the default policy and leaves every snapshot unexpired; down undoes it', async () => {
  const retention = migrations.findIndex((m) => m.name === 'Retention1764300000000');
  expect(retention).toBeGreaterThan(0);
  await migrateTo(retention);
  const before = await columns('project');
  await withSql(db.url, async (c) => {
    const project = (await c.query<{ id: string }>(`INSERT INTO project (slug, name) VALUES ('old', 'Old') RETURNING id`)).rows[0]!.id;
    for (const code of [0, 1, 2, 3, 4]) await c.query('INSERT INTO snapshot (project_id, status) VALUES ($1, $2)', [project, code]);
  });
  await migrateTo(retention + 1);
  const after = await withSql(db.url, async (c) => ({
    projects: (await c.query('SELECT keep_active, keep_days, keep_history FROM project')).rows,
    expired: (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM snapshot WHERE expired_at IS NOT NULL')).rows[0]!.n,
    snapshots: (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM snapshot')).rows[0]!.n,
    leases: (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM snapshot_lease')).rows[0]!.n,
  }));
  expect(after).toEqual({ projects: [{ keep_active: 10, keep_days: 30, keep_history: 5 }], expired: 0, snapshots: 5, leases: 0 });

  const ds = dataSource(retention + 1);
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  expect(await columns('project')).toEqual(before);
  expect(await columns('snapshot')).not.toContain('expired_at');
  expect(await columns('snapshot_lease')).toEqual([]);
});
