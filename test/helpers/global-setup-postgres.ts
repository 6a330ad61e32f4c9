import { Client } from 'pg';

/** Fails the run early, with a clear message, when TEST_DATABASE_URL does not answer. */
export default async function setup(): Promise<void> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`TEST_DATABASE_URL (${process.env.TEST_DATABASE_URL}) does not answer: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
