import 'reflect-metadata';
import { type GraphQLSchema, getOperationAST, parse } from 'graphql';
import { ANONYMOUS, type Caller } from '../../src/auth/caller';
import { authorizeOperation } from '../../src/auth/mutation-guard';
import { requiredRole } from '../../src/auth/permissions';
import { createSchema } from '../../src/schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

const scheduler: Caller = { role: 'scheduler', name: 'ci' };
const admin: Caller = { role: 'admin', name: 'ops' };

/** The refusal's code and path, or null when the operation may run. */
function refusal(query: string, caller: Caller): { code: unknown; path: readonly (string | number)[] | undefined } | null {
  const document = parse(query);
  const error = authorizeOperation(schema, document, getOperationAST(document)!, caller);
  return error && { code: error.extensions.code, path: error.path };
}

describe('authorizeOperation: every mutation field of an operation, before any runs', () => {
  const mixed = 'mutation { s: createSnapshot(project: "p") { id } p: createProject(slug: "x", name: "X") { id } }';
  it.each([
    ['a mutation within the role', 'mutation { createSnapshot(project: "p") { id } }', scheduler, null],
    ['the second of two, aliased', mixed, scheduler, { code: 'FORBIDDEN', path: ['p'] }],
    ['both, for an admin', mixed, admin, null],
    ['anonymous', 'mutation { createSnapshot(project: "p") { id } }', ANONYMOUS, { code: 'UNAUTHENTICATED', path: ['createSnapshot'] }],
    ['inside a fragment', 'mutation { ...F } fragment F on Mutation { createProject(slug: "x", name: "X") { id } }', scheduler, { code: 'FORBIDDEN', path: ['createProject'] }],
    ['inside an inline fragment', 'mutation { ... on Mutation { createPlan(project: "p", label: "l") { id } } }', scheduler, { code: 'FORBIDDEN', path: ['createPlan'] }],
    ['under @skip (checked as if selected)', 'mutation { createProject(slug: "x", name: "X") @skip(if: true) { id } }', scheduler, { code: 'FORBIDDEN', path: ['createProject'] }],
    ['__typename alone', 'mutation { __typename }', ANONYMOUS, null],
    ['a query (reads are not its business)', '{ projects { id } }', ANONYMOUS, null],
  ])('%s', (_name, query, caller, expected) => {
    expect(refusal(query, caller)).toEqual(expected);
  });

  it('reads each role from the schema, where @RequiresRole puts it next to the mutation', () => {
    const fields = schema.getMutationType()!.getFields();
    expect(requiredRole(fields.createSnapshot!)).toBe('scheduler');
    expect(requiredRole(fields.createProject!)).toBe('admin');
    expect(Object.values(fields).filter((f) => !requiredRole(f))).toEqual([]);
  });
});
