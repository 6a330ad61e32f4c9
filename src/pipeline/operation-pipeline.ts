import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type { Caller } from '../auth/caller';
import { authorizeOperation } from '../auth/mutation-guard';
import { ErrorCode } from '../errors';
import { CompiledExecution } from '../execution/compiled-execution';
import { errorFormatter } from '../format-error';
import { type Limits, queryLimits } from '../limits/query-limits';
import type { Logger } from '../logger';

/** What a client sends for one operation, over either transport. */
export interface OperationRequest {
  query?: unknown;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

const refusal = (error: GraphQLError, code: string): GraphQLError =>
  new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });

/**
 * The steps every GraphQL operation goes through, over HTTP and WebSocket
 * alike, in this order:
 *
 * 1. parse, with the token limit (GRAPHQL_PARSE_FAILED);
 * 2. validate: graphql-js's rules and the depth, alias and directive limits
 *    (GRAPHQL_VALIDATION_FAILED);
 * 3. check the resolved operation: every mutation's role before any runs
 *    (UNAUTHENTICATED, FORBIDDEN), then the node budget;
 * 4. execute (execution/compiled-execution.ts);
 * 5. format errors: hide suggestions in production, keep client errors,
 *    log and mask the rest (format-error.ts).
 *
 * Over HTTP, Apollo Server runs steps 1 and 2 with `parseOptions` and
 * `validationRules`, and steps 3 and 5 through `apolloPlugins()` and
 * `formatError`; its gateway runs step 4 with `execute`. Over WebSocket,
 * `prepare` runs steps 1 to 3 and hands graphql-ws the arguments to execute.
 */
export class OperationPipeline {
  readonly limits: Limits = queryLimits();
  readonly execution: CompiledExecution;
  /** Step 5's masking and logging; the argument is graphql-js's error, or what was thrown. */
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

  constructor(
    readonly schema: GraphQLSchema,
    options: { logger: Logger; hideSuggestions: boolean },
  ) {
    this.execution = new CompiledExecution(schema);
    const format = errorFormatter(options.logger);
    const hide = options.hideSuggestions;
    this.formatError = (formatted, error) => format(hide ? { ...formatted, message: withoutSuggestions(formatted.message) } : formatted, error);
  }

  get parseOptions(): Limits['parseOptions'] {
    return this.limits.parseOptions;
  }

  /** graphql-js's rules come first; Apollo adds them itself, so it is given `validationRules` alone. */
  get validationRules(): Limits['validationRules'] {
    return this.limits.validationRules;
  }

  readonly execute = (args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> => this.execution.execute(args);

  /** Step 3: the refusal of a parsed, valid operation, or null when it may run. */
  check(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, caller: Caller): GraphQLError | null {
    return (
      authorizeOperation(this.schema, document, operation, caller) ??
      this.limits.nodeBudget.check(this.schema, document, variables, operation.name?.value ?? null)
    );
  }

  /**
   * Steps 1 to 3 for a transport without Apollo: the arguments to execute
   * with, or the errors that refuse the operation before anything runs.
   */
  prepare(request: OperationRequest, caller: Caller, contextValue: unknown): ExecutionArgs | GraphQLError[] {
    if (typeof request.query !== 'string') {
      return [new GraphQLError('The operation has no query text', { extensions: { code: 'BAD_REQUEST' } })];
    }
    let document: DocumentNode;
    try {
      document = parse(request.query, this.parseOptions);
    } catch (err) {
      if (err instanceof GraphQLError) return [refusal(err, 'GRAPHQL_PARSE_FAILED')];
      throw err;
    }
    const invalid = validate(this.schema, document, [...specifiedRules, ...this.validationRules]);
    if (invalid.length) return invalid.map((e) => refusal(e, 'GRAPHQL_VALIDATION_FAILED'));
    const operationName = request.operationName ?? null;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
      return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
    }
    const variables = request.variables ?? undefined;
    const refused = this.check(document, operation, variables, caller);
    if (refused) return [refused];
    // Execution coerces the variables again; refused here, they get Apollo's code for them.
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 });
    if (coerced.errors) return coerced.errors.map((e) => refusal(e, ErrorCode.BAD_USER_INPUT));
    return { schema: this.schema, document, operationName, variableValues: variables, contextValue };
  }

  /** Step 5 for a transport without Apollo: errors as the client sees them (no `http` extension: that is for Apollo's status). */
  formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return errors.map((error) => {
      const formatted = error.toJSON();
      if (formatted.extensions?.http !== undefined) {
        const extensions = { ...formatted.extensions };
        delete extensions.http;
        return this.formatError({ ...formatted, extensions }, error);
      }
      return this.formatError(formatted, error);
    });
  }
}

/** graphql-js's "Did you mean ...?" hints name fields a client did not ask for; production hides them. */
export function withoutSuggestions(message: string): string {
  return message.replace(/Did you mean ".+"/g, '[Suggestion hidden]');
}
