import 'reflect-metadata';
import pino from 'pino';
import { App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { databaseKind } from '../helpers/database';
import { useServers, TEST_API_TOKENS, TOKENS } from '../helpers/test-server';

const suite = useServers(1);

/** A server whose every log line (debug and up) the test can read. */
async function loggedServer(env: Record<string, string> = {}) {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void (raw.push(line), lines.push(JSON.parse(line))) });
  const config = loadConfig({ DATABASE_URL: suite.db.url, PORT: '0', LOG_LEVEL: 'debug', API_TOKENS: TEST_API_TOKENS, ...env });
  const app = await App.create(config, { logger });
  const url = await app.listen();
  return { app, url, base: url.replace(/\/graphql$/, ''), lines, raw };
}

describe('health, readiness, metrics', () => {
  it('GET /healthz: 200 while the process is up', async () => {
    const res = await fetch(suite.server.url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz: 200 while the database answers', async () => {
    const res = await fetch(suite.server.url.replace('/graphql', '/readyz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /metrics: requests by operation and outcome, durations, the pool, the process', async () => {
    const { server } = suite;
    await server.gql('query ListProjects { projects { id } }');
    await server.gql('query BadLookup { snapshot(id: "nope") { id } }');
    await server.gql('{ projects { id } }');
    await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    const res = await fetch(server.url.replace('/graphql', '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const line of [
      /^graphql_requests_total\{operation="ListProjects",outcome="ok"\} 1$/m,
      /^graphql_requests_total\{operation="BadLookup",outcome="BAD_USER_INPUT"\} 1$/m,
      /^graphql_requests_total\{operation="anonymous",outcome="ok"\} \d+$/m,
      /^graphql_requests_total\{operation="anonymous",outcome="BAD_REQUEST"\} 1$/m,
      /^graphql_request_duration_seconds_bucket\{le="\+Inf",operation="ListProjects",outcome="ok"\} 1$/m,
      /^graphql_request_duration_seconds_count\{operation="ListProjects",outcome="ok"\} 1$/m,
      /^db_pool_connections\{state="total"\} [1-9]\d*$/m,
      /^db_pool_connections\{state="idle"\} \d+$/m,
      /^db_pool_connections\{state="waiting"\} 0$/m,
      /^process_cpu_user_seconds_total \d/m,
      /^nodejs_heap_size_used_bytes \d/m,
    ]) {
      expect(text).toMatch(line);
    }
  });
});

describe('request logs', () => {
  it('one JSON line per request: request id (given or made), operation, caller, duration, error codes; no token', async () => {
    const server = await loggedServer();
    try {
      const given = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-123', authorization: `Bearer ${TOKENS.scheduler}` },
        body: JSON.stringify({ query: 'query Find { snapshot(id: "nope") { id } }' }),
      });
      expect(given.headers.get('x-request-id')).toBe('req-123');
      const made = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token-that-must-not-be-logged' },
        body: JSON.stringify({ query: '{ projects { id } }' }),
      });
      const madeId = made.headers.get('x-request-id');
      expect(madeId).toMatch(/^[0-9a-f-]{36}$/);
      const requests = server.lines.filter((l) => l.msg === 'request');
      expect(requests).toEqual([
        expect.objectContaining({ level: 30, reqId: 'req-123', method: 'POST', path: '/graphql', status: 200, operation: 'Find', caller: 'scheduler', errors: ['BAD_USER_INPUT'], durationMs: expect.any(Number) }),
        expect.objectContaining({ level: 30, reqId: madeId, status: 401, errors: ['UNAUTHENTICATED'], durationMs: expect.any(Number) }),
      ]);
      const everything = server.raw.join('');
      for (const token of [...Object.values(TOKENS), 'wrong-token-that-must-not-be-logged']) expect(everything).not.toContain(token);
    } finally {
      await server.app.close();
    }
  });

  it('an unreadable x-request-id is replaced by a made one', async () => {
    const res = await fetch(suite.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'has spaces and "quotes"' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('database settings', () => {
  it('statement_timeout and idle_in_transaction_session_timeout hold on the app\'s connections', async () => {
    const dataSource = suite.server.app.database.dataSource;
    const [{ statement_timeout }] = await dataSource.query('SHOW statement_timeout');
    const [{ idle_in_transaction_session_timeout }] = await dataSource.query('SHOW idle_in_transaction_session_timeout');
    console.log(`${databaseKind()}: statement_timeout=${statement_timeout} idle_in_transaction_session_timeout=${idle_in_transaction_session_timeout}`);
    if (databaseKind() === 'embedded') {
      // PGlite runs every connection on one backend and takes no per-connection settings at startup.
      return;
    }
    expect({ statement_timeout, idle_in_transaction_session_timeout }).toEqual({ statement_timeout: '10s', idle_in_transaction_session_timeout: '30s' });
  });

  const onServer = databaseKind() === 'postgres' ? it : it.skip;
  if (databaseKind() === 'embedded') console.log('SKIPPED on the embedded database: statement cancellation (PGlite applies no statement_timeout)');

  onServer('a statement longer than STATEMENT_TIMEOUT_MS is cancelled (PostgreSQL server)', async () => {
    const server = await loggedServer({ STATEMENT_TIMEOUT_MS: '200' });
    try {
      const started = Date.now();
      await expect(server.app.database.dataSource.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await server.app.close();
    }
  });
});
