import { type DocumentNode, GraphQLError, type GraphQLSchema, getNamedType, getNullableType, isLeafType, isListType } from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { LIST_BOUNDS } from './data-limits';

/**
 * Counts the objects a query could return at worst, as GitHub's node limit
 * does: a field with a `first` argument returns up to `first` of everything
 * under it; a plain list returns up to `listSize` (within a connection, its
 * `nodes`/`edges` lists are already counted by the connection's `first`),
 * or, for a list the data bounds (`listBounds`, by "Type.field"), its bound;
 * every object counts 1 and scalars count 0. Introspection lists count
 * `introspectionListSize`: GraphiQL's introspection query fits the budget,
 * while nesting `fields { type { fields { ... } } }` grows tenfold a level
 * and soon does not (the depth limit leaves introspection alone).
 */
export function nodeEstimator(listSize: number, introspectionListSize = 10, listBounds: Readonly<Record<string, number>> = LIST_BOUNDS): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    if (isLeafType(getNamedType(field.type))) return 0;
    if (typeof args.first === 'number') return 1 + Math.max(1, args.first) * childComplexity;
    const returnsList = isListType(getNullableType(field.type));
    if (returnsList && type.name.startsWith('__')) return introspectionListSize * (1 + childComplexity);
    if (returnsList && !type.name.endsWith('Connection')) {
      return (listBounds[`${type.name}.${field.name}`] ?? listSize) * (1 + childComplexity);
    }
    return 1 + childComplexity;
  };
}

/** Estimates kept per parsed document (a repeated query reuses its parsed document), by variables. */
const MAX_ESTIMATES_PER_DOCUMENT = 64;
/**
 * Variables longer than this (as JSON) are estimated every time instead of kept as a key: a
 * dashboard's are a few dozen characters, and 64 keys of a megabyte each per cached document
 * would let a client grow the server's memory by what it sends.
 */
const MAX_KEPT_KEY_LENGTH = 1_000;

/** Refuses, before execution, an operation whose worst case is more than `maxNodes` objects. */
export class NodeBudget {
  private readonly estimators: ComplexityEstimator[];
  private readonly estimates = new WeakMap<DocumentNode, Map<string, number>>();

  constructor(
    private readonly maxNodes: number,
    listSize: number,
  ) {
    this.estimators = [nodeEstimator(listSize)];
  }

  /** The refusal of an operation over the budget, or null when it fits (or its variables are bad: execution refuses those). */
  check(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined): GraphQLError | null {
    let known = this.estimates.get(document);
    let key: string;
    let nodes: number | undefined;
    try {
      key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
      nodes = known?.get(key);
      nodes ??= getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined, estimators: this.estimators });
    } catch {
      return null;
    }
    if (!known) this.estimates.set(document, (known = new Map<string, number>()));
    if (known.size < MAX_ESTIMATES_PER_DOCUMENT && key.length <= MAX_KEPT_KEY_LENGTH) known.set(key, nodes);
    if (nodes <= this.maxNodes) return null;
    return new GraphQLError(
      `This query could return up to ${nodes} objects; the limit is ${this.maxNodes}. ` + 'Ask for fewer with smaller "first" arguments or less nesting.',
      { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 }, nodes, maxNodes: this.maxNodes } },
    );
  }
}
