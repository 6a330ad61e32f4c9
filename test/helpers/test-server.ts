import 'reflect-metadata';
import pino from 'pino';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createTestDatabase, type TestDatabase } from './database';
import type { Operation, UncheckedData } from './graphql';

export interface GqlResponse<T = UncheckedData> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** Every SQL statement a server ran, for counting. */
export class QueryLog implements TypeOrmLogger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
  clear(): void {
    this.statements = [];
  }
}

/** The tokens every test server knows (API_TOKENS), by role. */
export const TOKENS = {
  viewer: 'test-viewer-token-0001',
  scheduler: 'test-scheduler-token-0001',
  admin: 'test-admin-token-0001',
} as const;
export const TEST_API_TOKENS = Object.entries(TOKENS).map(([role, token]) => `${role}:${token}`).join(',');
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface TestServer {
  url: string;
  app: App;
  queries: QueryLog;
  /** Lines the server logged at its LOG_LEVEL (warn unless `env` says otherwise) and above. */
  logged: Record<string, unknown>[];
  /**
   * POSTs an operation with the admin token, unless `headers` has its own
   * `authorization` (an empty one sends none: an anonymous request).
   */
  gql<T = UncheckedData>(query: Operation<T>, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  close(): Promise<void>;
}

/** A server on its own port, in this process, on the database at `databaseUrl`. */
export async function startTestServer(databaseUrl: string, env: Record<string, string> = {}): Promise<TestServer> {
  // No periodic expiry unless a test asks for it: it would change what other tests see.
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_POOL_SIZE: '5',
    API_TOKENS: TEST_API_TOKENS,
    RETENTION_INTERVAL_S: '0',
    ...env,
  });
  const logged: Record<string, unknown>[] = [];
  const logger = pino({ level: config.logLevel }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
  const queries = new QueryLog();
  const app = await App.create(config, { logger, queryLogger: queries });
  const url = await app.listen();
  return {
    url,
    app,
    queries,
    logged,
    async gql(query, variables, headers = {}) {
      const auth = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
      const sent: Record<string, string> = { 'content-type': 'application/json', ...(auth ? {} : bearer(TOKENS.admin)), ...headers };
      if (auth && headers[auth] === '') delete sent[auth];
      const res = await fetch(url, {
        method: 'POST',
        headers: sent,
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as Omit<GqlResponse<never>, 'status'> & { data?: unknown };
      return { status: res.status, ...body } as GqlResponse<never>;
    },
    close: () => app.close(),
  };
}

export interface Suite {
  db: TestDatabase;
  servers: TestServer[];
  /** The first server. */
  server: TestServer;
}

/**
 * Gives the calling test file its own database and `count` servers on it,
 * made before its tests and removed after.
 */
export function useServers(count = 1, env: Record<string, string> = {}): Suite {
  const suite = { servers: [] as TestServer[] } as Suite;
  beforeAll(async () => {
    suite.db = await createTestDatabase();
    // One at a time, so that the first applies the migrations and the others find them applied.
    for (let i = 0; i < count; i++) suite.servers.push(await startTestServer(suite.db.url, env));
    suite.server = suite.servers[0]!;
  });
  afterAll(async () => {
    await Promise.all(suite.servers.map((s) => s.close()));
    await suite.db?.drop();
  });
  return suite;
}
