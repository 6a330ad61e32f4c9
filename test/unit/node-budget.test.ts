import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery, getNamedType, type GraphQLSchema, isEnumType, Kind, parse, print, typeFromAST } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { QUERY_LIMITS } from '../../src/limits/query-limits';
import { nodeEstimator } from '../../src/limits/node-budget';
import { createSchema } from '../../src/schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

/** The board's queries (board/api.js, a browser module), read as the board sends them. */
type Features = { promotion: boolean; retention: boolean };
const board = (() => {
  const source = readFileSync(path.join(__dirname, '../../board/api.js'), 'utf8').replace(/^export \{[^}]*\};?$/gm, '').replace(/^export /gm, '');
  const names = ['boardQuery', 'boardMoreQuery', 'boardRowQuery', 'projectQuery', 'historyQuery', 'snapshotQuery', 'projectLiveQuery'];
  const load = new Function(`${source}\nreturn { ${names.join(', ')} };`) as () => {
    boardQuery: (f: Features) => string;
    boardMoreQuery: string;
    boardRowQuery: (f: Features) => string;
    projectQuery: (f: Features) => string;
    historyQuery: string;
    snapshotQuery: (f: Features) => string;
    projectLiveQuery: (f: Features) => string;
  };
  return load();
})();

const nodes = (query: string, variables: Record<string, unknown> = {}) =>
  getComplexity({ schema, query: parse(query), variables, estimators: [nodeEstimator(QUERY_LIMITS.listSize)] });

describe('the node budget\'s count', () => {
  it('counts objects, `first` times through connections, 1000 for plans and images, 20 for other plain lists, nothing for scalars', () => {
    expect(nodes('{ projects { id slug } }')).toBe(20);
    expect(nodes('{ snapshots(first: 10) { totalCount nodes { id } } }')).toBe(1 + 10 * 1);
    expect(nodes('{ snapshots { nodes { id images { id } } } }')).toBe(1 + 20 * (1 + 1000));
    expect(nodes('{ snapshots { nodes { leases { id } } } }')).toBe(1 + 20 * (1 + 20));
    expect(nodes('{ project(slug: "p") { plans { id snapshotPlan { id } } } }')).toBe(1 + 1000 * 2);
    expect(nodes('query($n: Int) { snapshots(first: $n) { nodes { project { id } } } }', { n: 50 })).toBe(1 + 50 * 2);
  });

  it('counts plans and images by what a project and a snapshot can hold (1000), so that nesting them is refused', () => {
    // On a project with 300 plans this returned 2 snapshots x 300 images x 300 plans; 30 aliases of it, 333 MB.
    const query = '{ snapshots(project: "p", first: 2) { nodes { images { plan { project { plans { id label } } } } } } }';
    expect(nodes(query)).toBe(1 + 2 * (1 + 1000 * (1 + 1 + 1 + 1000)));
    expect(nodes(query)).toBeGreaterThan(QUERY_LIMITS.maxNodes);
  });

  it('every query of the board fits, with every part of the schema it can show; its biggest is a project page of 100 snapshots', () => {
    const features = { promotion: true, retention: true };
    const counts = {
      board: nodes(board.boardQuery(features), { first: 12 }),
      boardMore: nodes(board.boardMoreQuery, { project: 'p' }),
      boardRow: nodes(board.boardRowQuery(features), { project: 'p' }),
      projectPage20: nodes(board.projectQuery(features), { slug: 'p', first: 20 }),
      projectPage100: nodes(board.projectQuery(features), { slug: 'p', first: 100 }),
      history: nodes(board.historyQuery, { slug: 'p' }),
      snapshotPage: nodes(board.snapshotQuery(features), { id: 'p' }),
      projectLive: nodes(board.projectLiveQuery(features), { project: 'p' }),
    };
    console.log(`board queries, nodes of ${QUERY_LIMITS.maxNodes}: ${JSON.stringify(counts)}`);
    for (const count of Object.values(counts)) expect(count).toBeLessThanOrEqual(counts.projectPage100);
    expect(counts.projectPage100).toBe(204_285);
    expect(counts.projectPage100).toBeLessThan(QUERY_LIMITS.maxNodes);
  });

  it('GraphiQL\'s introspection query fits; nested introspection does not', () => {
    const introspection = nodes(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
    console.log(`introspection query: ${introspection} nodes of ${QUERY_LIMITS.maxNodes}`);
    expect(introspection).toBeLessThan(QUERY_LIMITS.maxNodes / 2);
    const nested = (levels: number) => `{ __schema { types { ${'fields { type { '.repeat(levels)}name${' } }'.repeat(levels)} } } }`;
    expect(nodes(nested(4))).toBeLessThan(QUERY_LIMITS.maxNodes);
    expect(nodes(nested(5))).toBeGreaterThan(QUERY_LIMITS.maxNodes);
  });
});

describe('the README\'s examples', () => {
  /** Each operation of the README's graphql blocks, with a value for each variable (`first`-like Ints at 100, the most). */
  const examples = (): { text: string; variables: Record<string, unknown> }[] => {
    const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    return blocks.flatMap((block) =>
      parse(block).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).map((operation) => {
        const variables: Record<string, unknown> = {};
        for (const v of operation.variableDefinitions ?? []) {
          const type = getNamedType(typeFromAST(schema, v.type)!);
          variables[v.variable.name.value] = type.name === 'Int' ? 100 : type.name === 'Boolean' ? true : isEnumType(type) ? type.getValues()[0]!.value : 'x';
        }
        return { text: print(operation), variables };
      }),
    );
  };

  it('every query and subscription in the README fits the budget', () => {
    const found = examples().filter((e) => !e.text.startsWith('mutation'));
    expect(found.length).toBeGreaterThan(5);
    const counts = found.map((e) => nodes(e.text, e.variables));
    console.log(`README examples, nodes of ${QUERY_LIMITS.maxNodes}: ${counts.join(', ')}`);
    for (const count of counts) expect(count).toBeLessThanOrEqual(QUERY_LIMITS.maxNodes);
  });
});
