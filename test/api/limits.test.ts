import { createProject } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { startTestServer, type TestServer, TOKENS, useServers } from '../helpers/test-server';

const suite = useServers(1);

/** A raw POST to /graphql, with the admin token. */
async function post(server: TestServer, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.admin}`, ...headers },
    body,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text };
}

const codeOf = (json: any): string | undefined => json?.errors?.[0]?.extensions?.code;

/** Sends a request and checks that it was refused as `code` with HTTP `status`, before any SQL ran. */
async function refusedEarly(body: string | Buffer, status: number, code: string, headers: Record<string, string> = {}) {
  const { server } = suite;
  server.queries.clear();
  const res = await post(server, body, headers);
  expect({ status: res.status, code: codeOf(res.json) }).toEqual({ status, code });
  expect(res.json.data).toBeUndefined();
  expect(server.queries.statements).toEqual([]);
  return res;
}

const nested = (depth: number): string => {
  // snapshots { nodes { ... } } then alternate project / currentSnapshot: one level each.
  let inner = 'id';
  for (let level = 0; level < depth - 3; level++) inner = level % 2 === 0 ? `project { ${inner} }` : `currentSnapshot { ${inner} }`;
  return `{ snapshots(first: 1) { nodes { ${inner} } } }`;
};

describe('malformed and abusive requests are refused before any resolver, and the server keeps serving', () => {
  let projectsBefore: number;
  beforeAll(async () => {
    await createProject(suite.server);
    projectsBefore = (await ok(suite.server, '{ projects { id } }')).projects.length;
  });
  afterAll(async () => {
    // Still serving, and nothing changed.
    expect((await ok(suite.server, '{ projects { id } }')).projects.length).toBe(projectsBefore);
  });

  it('broken JSON: 400 BAD_REQUEST', async () => {
    await refusedEarly('{"query": "{ projects { id } }"', 400, 'BAD_REQUEST');
  });

  it('a GraphQL syntax error: 400 GRAPHQL_PARSE_FAILED', async () => {
    await refusedEarly(JSON.stringify({ query: '{ projects { id }' }), 400, 'GRAPHQL_PARSE_FAILED');
  });

  it('an unknown field: 400 GRAPHQL_VALIDATION_FAILED, with a suggestion outside production', async () => {
    const res = await refusedEarly(JSON.stringify({ query: '{ projectz { id } }' }), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.json.errors[0].message).toBe('Cannot query field "projectz" on type "Query". Did you mean "project" or "projects"?');
  });

  it('in production (NODE_ENV=production), unknown fields get no suggestion', async () => {
    const production = await startTestServer(suite.db.url, { NODE_ENV: 'production' });
    try {
      const res = await post(production, JSON.stringify({ query: '{ projectz { id } snapshot(id: "x") { statuz } }' }));
      expect(res.status).toBe(400);
      expect(res.json.errors.map((e: any) => [e.message, e.extensions.code])).toEqual([
        ['Cannot query field "projectz" on type "Query". [Suggestion hidden]?', 'GRAPHQL_VALIDATION_FAILED'],
        ['Cannot query field "statuz" on type "Snapshot". [Suggestion hidden]?', 'GRAPHQL_VALIDATION_FAILED'],
      ]);
      expect(res.text).not.toMatch(/Did you mean|"project"|"status"/);
    } finally {
      await production.close();
    }
  });

  it('a body over 1 MiB: 413, whether announced by content-length or streamed', async () => {
    const big = JSON.stringify({ query: `{ projects { id } } # ${'x'.repeat(1024 * 1024)}` });
    await refusedEarly(big, 413, 'PAYLOAD_TOO_LARGE');
    const { server } = suite;
    const chunks = (async function* () {
      for (let i = 0; i < 20; i++) yield Buffer.alloc(64 * 1024, 0x20);
    })();
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks as any,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(codeOf(await res.json())).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a query deeper than 10: 400 GRAPHQL_VALIDATION_FAILED; 10 itself is served', async () => {
    expect((await post(suite.server, JSON.stringify({ query: nested(10) }))).json.errors).toBeUndefined();
    const res = await refusedEarly(JSON.stringify({ query: nested(11) }), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.json.errors[0].message).toBe('Syntax Error: Query depth limit of 10 exceeded, found 11.');
  });

  it('introspection is not held to the depth limit (GraphiQL needs it)', async () => {
    const deep = '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }';
    expect((await post(suite.server, JSON.stringify({ query: deep }))).json.errors).toBeUndefined();
  });

  it('more than 30 aliases: 400 GRAPHQL_VALIDATION_FAILED; 30 are served', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: projects { id }`).join(' ')} }`;
    expect((await post(suite.server, JSON.stringify({ query: aliases(30) }))).json.errors).toBeUndefined();
    const res = await refusedEarly(JSON.stringify({ query: aliases(31) }), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.json.errors[0].message).toBe('Syntax Error: Aliases limit of 30 exceeded, found 31.');
  });

  it('more than 5000 tokens: 400', async () => {
    const query = `{ projects { ${'id '.repeat(5000)} } }`;
    const res = await refusedEarly(JSON.stringify({ query }), 400, 'GRAPHQL_PARSE_FAILED');
    // (graphql-js 16 spells it "more that")
    expect(res.json.errors[0].message).toMatch(/^Syntax Error: Document contains more tha[nt] 5000 tokens. Parsing aborted.$/);
  });

  it('a list literal nested 3,000 deep: 400 GRAPHQL_PARSE_FAILED (graphql-js\'s parser runs out of stack and says so)', async () => {
    await refusedEarly(JSON.stringify({ query: `{ snapshot(id: ${'['.repeat(3000)}${']'.repeat(3000)}) { id } }` }), 400, 'GRAPHQL_PARSE_FAILED');
  });

  it('a variable nested 100,000 lists deep: 400, refused by variable coercion', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const body = `{"query":"mutation($x: [SnapshotImageInput!]) { createSnapshot(project: \\"p\\", images: $x) { id } }","variables":{"x":${deep}}}`;
    await refusedEarly(body, 400, 'BAD_USER_INPUT');
  });

  it('a query that could return more than 500,000 objects (first multiplied through the nesting): 400', async () => {
    const query = `query($n: Int) { snapshots(first: $n) { nodes { project { snapshots(first: $n) { nodes { images { id } } } } } } }`;
    // images 1000 (one per plan, 1000 plans at most); inner nodes 1 + 1000; inner snapshots 1 + 100 * 1001;
    // project 1 + 100,101; outer nodes 1 + 100,102; outer snapshots 1 + 100 * 100,103 = 10,010,301.
    const res = await refusedEarly(JSON.stringify({ query, variables: { n: 100 } }), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.json.errors[0]).toEqual({
      message: 'This query could return up to 10010301 objects; the limit is 500000. Ask for fewer with smaller "first" arguments or less nesting.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', nodes: 10010301, maxNodes: 500000 },
    });
    // The same shape with first: 20 is 1 + 20 * (1 + 1 + (1 + 20 * 1001)) = 400,461 objects: served.
    expect((await post(suite.server, JSON.stringify({ query, variables: { n: 20 } }))).json.errors).toBeUndefined();
    // Estimates are kept per document and variables: asked again, each answer is the same.
    await refusedEarly(JSON.stringify({ query, variables: { n: 100 } }), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect((await post(suite.server, JSON.stringify({ query, variables: { n: 20 } }))).json.errors).toBeUndefined();
  });

  it('plans nested under images (each list as long as the data allows: 1000) are refused before they are read, even once', async () => {
    // On a project with 300 plans, 30 aliases of this returned 333 MB in 21 s.
    const query = '{ snapshots(project: "p", first: 2) { nodes { images { plan { project { plans { id label } } } } } } }';
    const res = await refusedEarly(JSON.stringify({ query }), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.json.errors[0]).toEqual({
      message: 'This query could return up to 2006003 objects; the limit is 500000. Ask for fewer with smaller "first" arguments or less nesting.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', nodes: 2006003, maxNodes: 500000 },
    });
  });

  it('the board\'s biggest page (a project\'s 100 newest snapshots with their images, its plans) fits the budget', async () => {
    const query = `{ project(slug: "p") { plans { id label status snapshotPlan { id label } } snapshots(first: 100) {
      totalCount nodes { id status images { id status plan { id } } leases { id holder expiresAt } } } } }`;
    expect((await post(suite.server, JSON.stringify({ query }))).json.errors).toBeUndefined();
  });

  it('a batched array of operations: 400, none of them run', async () => {
    const res = await refusedEarly(JSON.stringify([{ query: '{ projects { id } }' }, { query: '{ projects { id } }' }]), 400, 'BAD_REQUEST');
    expect(res.json.errors[0].message).toBe('Operation batching disabled.');
  });

  it('CSRF-style requests (a "simple" POST, a GET without a preflight header) are refused; mutations never go over GET', async () => {
    const csrf = await refusedEarly(JSON.stringify({ query: '{ projects { id } }' }), 400, 'BAD_REQUEST', { 'content-type': 'text/plain' });
    expect(csrf.json.errors[0].message).toMatch(/potential Cross-Site Request Forgery/);
    const get = await fetch(`${suite.server.url}?query=${encodeURIComponent('{ projects { id } }')}`);
    expect(get.status).toBe(400);
    expect(codeOf(await get.json())).toBe('BAD_REQUEST');
    const preflighted = await fetch(`${suite.server.url}?query=${encodeURIComponent('{ projects { id } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    const mutation = await fetch(`${suite.server.url}?query=${encodeURIComponent('mutation { createProject(slug: "via-get", name: "x") { id } }')}`, {
      headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${TOKENS.admin}` },
    });
    expect(mutation.status).toBe(405);
  });

  it('a NUL character in the query text: 400 GRAPHQL_PARSE_FAILED; inside a string literal, the argument check refuses it', async () => {
    await refusedEarly(JSON.stringify({ query: '{ projects\u0000 { id } }' }), 400, 'GRAPHQL_PARSE_FAILED');
    const literal = await suite.server.gql('{ project(slug: "a\u0000b") { id } }');
    expect(literal.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  const NUL = 'a\u0000b';
  const LONG = 'a'.repeat(100_000);
  const ARGUMENTS: [string, string, (value: string) => Record<string, unknown>][] = [
    ['createProject(name)', 'mutation($v: String!) { createProject(slug: "never-made-nul", name: $v) { id } }', (v) => ({ v })],
    ['createProject(slug)', 'mutation($v: String!) { createProject(slug: $v, name: "x") { id } }', (v) => ({ v })],
    ['createPlan(label)', 'mutation($v: String!, $p: ID!) { createPlan(project: $p, label: $v) { id } }', (v) => ({ v, p: 'unknown-project' })],
    ['createSnapshot(revision)', 'mutation($v: String) { createSnapshot(project: "unknown-project", revision: $v) { id } }', (v) => ({ v })],
    ['project(slug)', 'query($v: String) { project(slug: $v) { id } }', (v) => ({ v })],
    ['project(id)', 'query($v: ID) { project(id: $v) { id } }', (v) => ({ v })],
    ['snapshot(id)', 'query($v: ID!) { snapshot(id: $v) { id } }', (v) => ({ v })],
    ['currentSnapshot(project)', 'query($v: ID!) { currentSnapshot(project: $v) { id } }', (v) => ({ v })],
    ['snapshots(after)', 'query($v: String) { snapshots(after: $v) { totalCount } }', (v) => ({ v })],
  ];

  it.each(ARGUMENTS.flatMap(([name, query, vars]) => [
    { name, what: 'a NUL character', query, variables: vars(NUL) },
    { name, what: '100,000 characters', query, variables: vars(LONG) },
  ]))('$what in $name: BAD_USER_INPUT', async ({ query, variables }) => {
    const res = await suite.server.gql(query, variables);
    expect(res.status).toBe(200);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
