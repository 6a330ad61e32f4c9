import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

declare const TEST_DATABASE_KIND: 'embedded' | 'postgres';

export const databaseKind = (): 'embedded' | 'postgres' => TEST_DATABASE_KIND;

/** A new, empty database for one suite: on the PostgreSQL server of TEST_DATABASE_URL, or an embedded one. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DATABASE_KIND === 'postgres') return createServerDatabase(process.env.TEST_DATABASE_URL!);
  const broker = process.env.PGLITE_BROKER_URL!;
  const res = await fetch(`${broker}/databases`, { method: 'POST' });
  if (!res.ok) throw new Error(`embedded database: ${await res.text()}`);
  const { id, url } = (await res.json()) as { id: string; url: string };
  return { url, drop: async () => void (await fetch(`${broker}/databases/${id}`, { method: 'DELETE' })) };
}

async function createServerDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `snapshot_registry_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
