import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { currentChangeKindCodes, planStatusCodes, snapshotStatusCodes, type StatusCodes } from '../../src/database/status-codes';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { sqlRows } from '../helpers/sql';

/**
 * The entities are the one description of the tables that the code reads;
 * the migrations are what builds them. Both build a throwaway database here
 * (TypeORM's synchronize from the entities on one, the migrations on the
 * other) and the two catalogs must agree.
 */
let fromEntities: TestDatabase;
let fromMigrations: TestDatabase;

async function build(db: TestDatabase, how: 'synchronize' | 'migrations'): Promise<void> {
  const options = dataSourceOptions({ url: db.url, poolSize: 1, statementTimeoutMs: 30_000 });
  if (options.type !== 'postgres') throw new Error('the server runs on PostgreSQL only');
  // The migrations' uuid default (gen_random_uuid), with no extension to install.
  const ds = new DataSource({ ...options, synchronize: how === 'synchronize', uuidExtension: 'pgcrypto', installExtensions: false });
  await ds.initialize();
  try {
    if (how === 'migrations') await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

beforeAll(async () => {
  fromEntities = await createTestDatabase();
  fromMigrations = await createTestDatabase();
  await build(fromEntities, 'synchronize');
  await build(fromMigrations, 'migrations');
});
afterAll(async () => {
  await fromEntities?.drop();
  await fromMigrations?.drop();
});

const TABLES = `SELECT c.oid, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'typeorm_migrations'`;

interface Catalog {
  tables: string[];
  columns: string[];
  /** Primary keys and unique constraints. */
  keys: string[];
  foreignKeys: string[];
  indexes: string[];
}

/** What one database's tables are, each item one line of text so that a difference reads plainly. */
async function catalog(url: string): Promise<Catalog> {
  const tables = await sqlRows<{ table: string }>(url, `SELECT t.table FROM (${TABLES}) t ORDER BY 1`);
  const columns = await sqlRows<{ line: string }>(
    url,
    `SELECT t.table || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END AS line
       FROM (${TABLES}) t JOIN pg_attribute a ON a.attrelid = t.oid
      WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY 1`,
  );
  // Constraints with their names, columns, targets and actions.
  const constraints = (types: string) =>
    sqlRows<{ line: string }>(
      url,
      `SELECT t.table || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS line
         FROM (${TABLES}) t JOIN pg_constraint k ON k.conrelid = t.oid
        WHERE k.contype = ANY($1::"char"[]) ORDER BY 1`,
      [types.split('')],
    );
  const keys = await constraints('pu');
  const foreignKeys = await constraints('f');
  // Indexes that no constraint made (those are in constraints already).
  const indexes = await sqlRows<{ line: string }>(
    url,
    `SELECT pg_get_indexdef(i.indexrelid) AS line
       FROM (${TABLES}) t JOIN pg_index i ON i.indrelid = t.oid
      WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = t.oid) ORDER BY 1`,
  );
  return { tables: tables.map((r) => r.table), columns: columns.map((r) => r.line), keys: keys.map((r) => r.line), foreignKeys: foreignKeys.map((r) => r.line), indexes: indexes.map((r) => r.line) };
}

/** What only the migrations build (see below why): every foreign key, and the indexes the queries need. */
const MIGRATIONS_ONLY = {
  foreignKeys: [
    'current_snapshot_change current_snapshot_change_project_id_fkey FOREIGN KEY (project_id) REFERENCES project(id) ON DELETE CASCADE',
    'plan plan_project_id_fkey FOREIGN KEY (project_id) REFERENCES project(id) ON DELETE CASCADE',
    'plan plan_snapshot_plan_id_fkey FOREIGN KEY (snapshot_plan_id) REFERENCES plan(id) ON DELETE SET NULL',
    'project project_current_snapshot_fkey FOREIGN KEY (current_snapshot_id, id) REFERENCES snapshot(id, project_id) ON DELETE SET NULL (current_snapshot_id)',
    'snapshot snapshot_project_id_fkey FOREIGN KEY (project_id) REFERENCES project(id) ON DELETE CASCADE',
    'snapshot_image snapshot_image_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES plan(id) ON DELETE CASCADE',
    'snapshot_image snapshot_image_snapshot_id_fkey FOREIGN KEY (snapshot_id) REFERENCES snapshot(id) ON DELETE CASCADE',
    'snapshot_lease snapshot_lease_snapshot_id_fkey FOREIGN KEY (snapshot_id) REFERENCES snapshot(id) ON DELETE CASCADE',
    'snapshot_status_change snapshot_status_change_snapshot_id_fkey FOREIGN KEY (snapshot_id) REFERENCES snapshot(id) ON DELETE CASCADE',
  ],
  indexes: [
    'CREATE INDEX plan_project_idx ON public.plan USING btree (project_id, date_created, id)',
    'CREATE INDEX plan_snapshot_plan_idx ON public.plan USING btree (snapshot_plan_id) WHERE (snapshot_plan_id IS NOT NULL)',
    'CREATE INDEX snapshot_image_plan_idx ON public.snapshot_image USING btree (plan_id)',
    'CREATE INDEX snapshot_lease_unreleased_idx ON public.snapshot_lease USING btree (snapshot_id, date_created, id) WHERE (released_at IS NULL)',
    'CREATE INDEX snapshot_listing_idx ON public.snapshot USING btree (date_created DESC, id DESC)',
    'CREATE INDEX snapshot_project_listing_idx ON public.snapshot USING btree (project_id, date_created DESC, id DESC)',
    'CREATE INDEX snapshot_unexpired_idx ON public.snapshot USING btree (project_id, date_created DESC, id DESC) WHERE (expired_at IS NULL)',
  ],
};

describe('the entities and the migrations', () => {
  let entities: Catalog;
  let migrations: Catalog;
  beforeAll(async () => {
    entities = await catalog(fromEntities.url);
    migrations = await catalog(fromMigrations.url);
  });

  it('build the same tables, columns, types and nullability', () => {
    expect(entities.tables).toHaveLength(7);
    expect(entities.tables).toEqual(migrations.tables);
    expect(entities.columns).toEqual(migrations.columns);
  });

  it('build the same primary keys and unique constraints, under the same names', () => {
    expect(entities.keys).toEqual(migrations.keys);
  });

  // The entities declare no relations (loaders read them), and TypeORM can describe
  // neither descending index columns nor ON DELETE SET NULL of one column: these the
  // migrations alone hold. Whatever the entities declare, the migrations build too.
  it('build the same foreign keys and indexes, but for those only the migrations hold', () => {
    const only = (a: string[], b: string[]) => a.filter((line) => !b.includes(line));
    expect(only(entities.foreignKeys, migrations.foreignKeys)).toEqual([]);
    expect(only(entities.indexes, migrations.indexes)).toEqual([]);
    expect(only(migrations.foreignKeys, entities.foreignKeys)).toEqual(MIGRATIONS_ONLY.foreignKeys);
    expect(only(migrations.indexes, entities.indexes)).toEqual(MIGRATIONS_ONLY.indexes);
  });

  // Every stored status column, with the codes its CHECK must allow: exactly those of its StatusCodes.
  it.each<[string, string, StatusCodes<string>]>([
    ['snapshot', 'status', snapshotStatusCodes],
    ['snapshot_image', 'status', snapshotStatusCodes],
    ['snapshot_status_change', 'from_status', snapshotStatusCodes],
    ['snapshot_status_change', 'to_status', snapshotStatusCodes],
    ['plan', 'status', planStatusCodes],
    ['current_snapshot_change', 'kind', currentChangeKindCodes],
  ])('%s.%s allows exactly the codes of its status table', async (table, column, codes) => {
    const checks = await sqlRows<{ def: string }>(
      fromMigrations.url,
      `SELECT pg_get_constraintdef(k.oid) AS def FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relname = $1 AND k.contype = 'c'
          AND k.conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = c.oid AND attname = $2)]`,
      [table, column],
    );
    // PostgreSQL shows `status IN (0, 1)` as CHECK (((status)::integer = ANY (ARRAY[0, 1]))).
    expect(checks).toHaveLength(1);
    const list = /^CHECK \(+(\w+)\)?(?:::\w+)? = ANY \(\(?ARRAY\[([\d, ]+)\]/.exec(checks[0]!.def);
    expect({ def: checks[0]!.def, column: list?.[1] }).toEqual({ def: checks[0]!.def, column });
    expect(list![2]!.split(', ').map(Number)).toEqual(codes.all());
  });
});
