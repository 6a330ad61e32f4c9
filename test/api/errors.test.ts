import { sql, trustedSql } from '../../src/database/sql';
import { createPlan, createProject } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { useServers } from '../helpers/test-server';

/**
 * Errors carry extensions.code. Anything unexpected is logged and reaches the
 * client only as INTERNAL_SERVER_ERROR, with no internals. A request that does
 * not parse or validate is HTTP 400.
 */
const suite = useServers(1);

afterEach(() => jest.restoreAllMocks());

const SECRET = 'secret_internal_table_7f3a';

function expectMasked(res: { status: number; errors?: unknown[]; data?: unknown }, field: string) {
  expect(res.status).toBe(200);
  expect(res.errors).toEqual([
    { message: 'Internal server error', locations: expect.any(Array), path: [field], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
  ]);
  const text = JSON.stringify(res);
  for (const leak of [SECRET, 'stacktrace', 'at ', '.ts:', 'node_modules', 'QueryFailedError', 'relation']) expect(text).not.toContain(leak);
}

describe('unexpected errors', () => {
  it('are masked as INTERNAL_SERVER_ERROR with no internals, and logged in full', async () => {
    const { server } = suite;
    const queries = server.app.services.projectQueries;
    jest.spyOn(queries, 'allProjects').mockRejectedValue(new TypeError(`Cannot read properties of undefined (reading '${SECRET}')`));
    const before = server.logged.length;
    const res = await server.gql('{ projects { id } }');
    expectMasked(res, 'projects');
    const logged = server.logged.slice(before);
    expect(logged).toEqual(expect.arrayContaining([expect.objectContaining({ level: 50, err: expect.objectContaining({ message: expect.stringContaining(SECRET) }) })]));
  });

  it('mask a failing SQL statement, the database error included', async () => {
    const { server } = suite;
    const queries = server.app.services.projectQueries;
    jest.spyOn(queries, 'allProjects').mockImplementation(async (db) => {
      await db.exec(sql`SELECT * FROM ${trustedSql(SECRET)}`);
      return [];
    });
    expectMasked(await server.gql('{ projects { id } }'), 'projects');
  });

  it('mask what is thrown that is not even an Error', async () => {
    const { server } = suite;
    jest.spyOn(server.app.services.projectQueries, 'allProjects').mockRejectedValue(SECRET);
    expectMasked(await server.gql('{ projects { id } }'), 'projects');
  });

  it('mask a failing mutation and leave the other fields of a query their answers', async () => {
    const { server } = suite;
    const project = await createProject(server);
    jest.spyOn(server.app.services.snapshots, 'create').mockRejectedValue(new Error(SECRET));
    expectMasked(await server.gql('mutation($p: ID!) { createSnapshot(project: $p) { id } }', { p: project.id }), 'createSnapshot');
    const project2 = await createProject(server);
    jest.spyOn(server.app.services.snapshotQueries, 'currentOfProject').mockRejectedValue(new Error(SECRET));
    const res = await server.gql('query($p: ID!) { currentSnapshot(project: $p) { id } projects { id } }', { p: project2.slug });
    expect(res.data).toEqual({ currentSnapshot: null, projects: expect.arrayContaining([{ id: project.id }, { id: project2.id }]) });
    expectMasked({ status: res.status, errors: res.errors }, 'currentSnapshot');
  });
});

describe('errors the client made', () => {
  it('keep their code and message, and may sit beside answers that worked', async () => {
    const { server } = suite;
    const project = await createProject(server);
    await createPlan(server, project.id);
    const res = await server.gql('query($p: ID!) { snapshot(id: "nope") { id } currentSnapshot(project: $p) { id } }', { p: project.id });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ snapshot: null, currentSnapshot: null });
    expect(res.errors).toEqual([
      {
        message: '"id" must be a UUID (32 hex digits, with or without dashes)',
        locations: [{ line: 1, column: 18 }],
        path: ['snapshot'],
        extensions: { code: 'BAD_USER_INPUT', argument: 'id' },
      },
    ]);
  });
});

describe('requests that do not parse or validate', () => {
  const cases: [string, string, Record<string, unknown> | undefined, string][] = [
    ['a syntax error', '{ projects { id }', undefined, 'GRAPHQL_PARSE_FAILED'],
    ['an empty document', '', undefined, 'BAD_REQUEST'],
    ['an unknown field', '{ nothing }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a field without its selection', '{ projects }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a missing required argument', 'mutation { createProject(slug: "a") { id } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown argument', '{ snapshots(last: 3) { totalCount } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a literal of the wrong type', '{ snapshots(first: "ten") { totalCount } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown enum value', 'mutation { changeImageStatus(image: "x", status: BROKEN) { id } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a variable of the wrong type', 'query($f: Int) { snapshots(first: $f) { totalCount } }', { f: 'ten' }, 'BAD_USER_INPUT'],
    ['a missing required variable', 'query($id: ID!) { snapshot(id: $id) { id } }', {}, 'BAD_USER_INPUT'],
    ['an unknown enum value in a variable', 'mutation($s: SnapshotStatus!) { changeImageStatus(image: "x", status: $s) { id } }', { s: 'BROKEN' }, 'BAD_USER_INPUT'],
    ['an undeclared variable', '{ snapshot(id: $id) { id } }', { id: 'x' }, 'GRAPHQL_VALIDATION_FAILED'],
  ];
  it.each(cases)('is HTTP 400 for %s', async (_name, query, variables, code) => {
    const res = await suite.server.gql(query, variables);
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors!.length).toBeGreaterThanOrEqual(1);
    for (const error of res.errors!) {
      expect(error.extensions?.code).toBe(code);
      expect(typeof error.message).toBe('string');
      expect(Object.keys(error.extensions!)).toEqual(['code']);
    }
  });

  it('runs nothing when a mutation does not validate', async () => {
    const { server } = suite;
    const slug = `never-${Date.now()}`;
    const res = await server.gql(`mutation { createProject(slug: "${slug}", name: "n") { id } nothing }`);
    expect(res.status).toBe(400);
    expect((await ok(server, 'query($s: String) { project(slug: $s) { id } }', { s: slug })).project).toBeNull();
  });
});
