import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { migrations } from '../../src/database/migrations';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { withSql } from '../helpers/sql';

/**
 * The promotion migration on a database that already has data: projects keep
 * their current snapshot at version 0, and every snapshot gets the status
 * history its present status implies.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function migrateTo(count: number): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions({ url: db.url, poolSize: 1, statementTimeoutMs: 10_000 }), migrations: migrations.slice(0, count) });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

interface StatusChangeRow {
  snapshot_id: string;
  from_status: number;
  to_status: number;
  actor: string;
  reason: string | null;
  image_id: string | null;
  at_creation: boolean;
}

it('derives the status history of existing snapshots, and leaves projects at version 0', async () => {
  const promotion = migrations.findIndex((m) => m.name === 'Promotion1764200000000');
  expect(promotion).toBeGreaterThan(0);
  await migrateTo(promotion);
  const ids = await withSql(db.url, async (c) => {
    const project = (await c.query<{ id: string }>(`INSERT INTO project (slug, name) VALUES ('old', 'Old') RETURNING id`)).rows[0]!.id;
    // Codes: unknown 0, active 1, failed 2, invalidated 3, pending 4.
    const made: Record<string, string> = {};
    for (const [name, code] of [['unknown', 0], ['active', 1], ['failed', 2], ['invalidated', 3], ['pending', 4]] as const) {
      made[name] = (await c.query<{ id: string }>('INSERT INTO snapshot (project_id, status) VALUES ($1, $2) RETURNING id', [project, code])).rows[0]!.id;
    }
    await c.query('UPDATE project SET current_snapshot_id = $1', [made.active]);
    return made;
  });
  await migrateTo(migrations.length);
  const rows = await withSql(db.url, async (c) =>
    (await c.query<StatusChangeRow>(`SELECT snapshot_id, from_status, to_status, actor, reason, image_id, at = s.date_created AS at_creation
                    FROM snapshot_status_change JOIN snapshot s ON s.id = snapshot_id ORDER BY snapshot_status_change.id`)).rows,
  );
  const path = (id: string) => rows.filter((r) => r.snapshot_id === id).map((r) => `${r.from_status}>${r.to_status}`);
  expect(path(ids.unknown!)).toEqual([]);
  expect(path(ids.pending!)).toEqual(['0>4']);
  expect(path(ids.active!)).toEqual(['0>4', '4>1']);
  expect(path(ids.failed!)).toEqual(['0>4', '4>2']);
  expect(path(ids.invalidated!)).toEqual(['0>4', '4>1', '1>3']);
  expect(rows.every((r) => r.actor === 'unknown' && r.reason === null && r.image_id === null && r.at_creation)).toBe(true);
  const project = await withSql(db.url, async (c) => (await c.query<Record<string, unknown>>('SELECT current_version, current_snapshot_id FROM project')).rows[0]);
  expect(project).toEqual({ current_version: 0, current_snapshot_id: ids.active });
  expect(await withSql(db.url, async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM current_snapshot_change')).rows[0]!.n)).toBe(0);
});
