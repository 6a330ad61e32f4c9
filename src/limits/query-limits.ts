import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ValidationRule } from 'graphql';
import { nodeBudgetPlugin } from './node-budget';

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

/**
 * The Apollo plugins and validation rules that hold requests to QUERY_LIMITS;
 * `hideSuggestions` drops graphql-js's "Did you mean ...?" hints (production).
 */
export function queryLimits(hideSuggestions: boolean): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    // graphql-js's own parser counts tokens (parseOptions below): a refusal is then a
    // plain syntax error (400) where armor's plugin would make it a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // graphql-query-complexity counts nodes through `first` instead (node-budget.ts).
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: hideSuggestions },
  }).protect();
  return {
    plugins: [...(armor.plugins as ApolloServerPlugin[]), nodeBudgetPlugin(QUERY_LIMITS.maxNodes, QUERY_LIMITS.listSize)],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
  };
}
