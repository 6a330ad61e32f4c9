import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import { NodeBudget } from './node-budget';

/**
 * What one GraphQL request may ask for. Each limit refuses the request before
 * any resolver runs (HTTP 400, GRAPHQL_VALIDATION_FAILED or GRAPHQL_PARSE_FAILED).
 * README.md, "Security and limits", says why these figures.
 */
export const QUERY_LIMITS = {
  /** Deepest selection (introspection excepted). The deepest useful query is about 7. */
  maxDepth: 10,
  /** Aliased fields in one document: enough to fetch a few dozen things at once. */
  maxAliases: 30,
  /** Lexical tokens in one document; GraphiQL's introspection query is well under it. */
  maxTokens: 5_000,
  /** Directives in one document. */
  maxDirectives: 20,
  /**
   * Worst-case objects a query may return, with `first` multiplied through the nesting
   * and lists counted by their bounds; GitHub's figure. A page of 100 snapshots, each
   * with an image of each of up to 1000 plans, is 200,000 to 300,000 of them.
   */
  maxNodes: 500_000,
  /**
   * Assumed length of a plain list the data does not bound (Query.projects, Snapshot.leases,
   * Snapshot.statusHistory...); Project.plans and Snapshot.images count their bounds (data-limits.ts).
   */
  listSize: 20,
} as const;

export interface Limits {
  /** graphql-js's parser options: the token limit. */
  parseOptions: { maxTokens: number };
  /** Validation rules beside graphql-js's own: depth, aliases, directives. */
  validationRules: ValidationRule[];
  /** The worst-case object count, checked once the operation is known. */
  nodeBudget: NodeBudget;
}

/** The parse options, validation rules and node budget that hold every operation to QUERY_LIMITS. */
export function queryLimits(): Limits {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    // graphql-js's own parser counts tokens (parseOptions below): a refusal is then a
    // plain syntax error (400) where armor's plugin would make it a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // graphql-query-complexity counts nodes through `first` instead (node-budget.ts).
    costLimit: { enabled: false },
    // The pipeline's error step hides suggestions (withoutSuggestions, pipeline/operation-pipeline.ts).
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    validationRules: armor.validationRules,
    nodeBudget: new NodeBudget(QUERY_LIMITS.maxNodes, QUERY_LIMITS.listSize),
  };
}
