import 'reflect-metadata';
import { getIntrospectionQuery, type GraphQLSchema, parse } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { QUERY_LIMITS } from '../../src/limits/query-limits';
import { nodeEstimator } from '../../src/limits/node-budget';
import { createSchema } from '../../src/schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

const nodes = (query: string, variables: Record<string, unknown> = {}) =>
  getComplexity({ schema, query: parse(query), variables, estimators: [nodeEstimator(QUERY_LIMITS.listSize)] });

describe('the node budget\'s count', () => {
  it('counts objects, `first` times through connections, 20 for plain lists, nothing for scalars', () => {
    expect(nodes('{ projects { id slug } }')).toBe(20);
    expect(nodes('{ snapshots(first: 10) { totalCount nodes { id } } }')).toBe(1 + 10 * 1);
    expect(nodes('{ snapshots { nodes { id images { id } } } }')).toBe(1 + 20 * (1 + 20));
    expect(nodes('query($n: Int) { snapshots(first: $n) { nodes { project { id } } } }', { n: 50 })).toBe(1 + 50 * 2);
  });

  it('GraphiQL\'s introspection query fits; nested introspection does not', () => {
    const introspection = nodes(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
    console.log(`introspection query: ${introspection} nodes of ${QUERY_LIMITS.maxNodes}`);
    expect(introspection).toBeLessThan(QUERY_LIMITS.maxNodes / 2);
    const nested = '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }';
    expect(nodes(nested)).toBeGreaterThan(QUERY_LIMITS.maxNodes);
  });
});
