import { Client, type QueryResultRow } from 'pg';
import type { TestServer } from './test-server';

/** Runs SQL straight on a test database, as an operator would. */
export async function withSql<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The rows of one statement run straight on a test database, typed as the caller expects them. */
export async function sqlRows<R extends QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  return withSql(url, async (c) => (await c.query<R>(text, values)).rows);
}

/** The SQL statements a server ran while `fn` ran, in order. */
export async function statementsWhile(server: TestServer, fn: () => Promise<unknown>): Promise<string[]> {
  server.queries.clear();
  await fn();
  return [...server.queries.statements];
}
