import type { ApolloServerOptions, BaseContext } from '@apollo/server';
import { type ExecutionArgs, type ExecutionResult, GraphQLError, type GraphQLSchema, OperationTypeNode, execute, getOperationAST } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** Distinct operations kept compiled; the least recently used goes first. */
export const MAX_COMPILED_OPERATIONS = 200;
/** Documents longer than this are run by graphql-js alone: their text is the cache key. */
export const MAX_COMPILED_DOCUMENT_CHARS = 10_000;

type PromiseOrValue<T> = Promise<T> | T;

/**
 * Executes operations with graphql-jit: an operation seen a second time is
 * compiled into a JavaScript function once and then run by it, instead of
 * graphql-js walking the document field by field on every request. Saves the
 * per-field work of graphql-js's interpreter (argument and path bookkeeping,
 * `completeValue` dispatch, a promise per list item): about a third of the
 * server's CPU on a dashboard page (bench/OPTIMIZATIONS.md).
 *
 * Same contract as graphql-js's `execute`, so it plugs into Apollo Server
 * (`apolloGateway`) and graphql-ws (`execute`) alike; parsing, validation,
 * limits and authorization stay in the request pipeline, before it.
 * Subscriptions, documents seen once, and long documents run on graphql-js.
 * A result without data (variables that do not coerce) is produced again by
 * graphql-js, so that clients get graphql-js's messages whichever ran.
 */
export class CompiledExecution {
  /** By operation name and document text, most recently used last. */
  private readonly compiled = new Map<string, CompiledQuery | 'seen-once'>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** How many operations are compiled now (metrics, tests). */
  get size(): number {
    let n = 0;
    for (const entry of this.compiled.values()) if (entry !== 'seen-once') n++;
    return n;
  }

  readonly execute = (args: ExecutionArgs): PromiseOrValue<ExecutionResult> => {
    const compiled = this.lookUp(args);
    if (!compiled) return execute(args);
    const result = compiled.query(args.rootValue, args.contextValue, args.variableValues);
    const settle = (r: ExecutionResult): PromiseOrValue<ExecutionResult> => {
      if (!r.errors?.length) return r;
      if (r.data === undefined) return execute(args);
      return { ...r, errors: r.errors.map(asGraphQLJsError) };
    };
    return isPromise(result) ? result.then(settle) : settle(result);
  };

  private lookUp(args: ExecutionArgs): CompiledQuery | null {
    if (args.schema !== this.schema || args.fieldResolver || args.typeResolver) return null;
    const text = args.document.loc?.source.body;
    if (text === undefined || text.length > MAX_COMPILED_DOCUMENT_CHARS) return null;
    const key = `${args.operationName ?? ''}\u0000${text}`;
    const entry = this.compiled.get(key);
    if (entry === undefined) {
      this.remember(key, 'seen-once');
      return null;
    }
    this.compiled.delete(key);
    if (entry !== 'seen-once') {
      this.compiled.set(key, entry);
      return entry;
    }
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation || operation.operation === OperationTypeNode.SUBSCRIPTION) {
      this.compiled.set(key, 'seen-once');
      return null;
    }
    const made = compileQuery(this.schema, args.document, args.operationName ?? undefined);
    if (!isCompiledQuery(made)) {
      this.compiled.set(key, 'seen-once');
      return null;
    }
    this.remember(key, made);
    return made;
  }

  private remember(key: string, entry: CompiledQuery | 'seen-once'): void {
    this.compiled.set(key, entry);
    if (this.compiled.size > MAX_COMPILED_OPERATIONS) this.compiled.delete(this.compiled.keys().next().value!);
  }
}

/**
 * graphql-jit's errors are GraphQLErrors by prototype only: no `extensions`
 * object unless the thrown error had one, which Apollo's error formatting
 * relies on. The same error as graphql-js would make it: path, locations,
 * the original error (a thrown non-Error wrapped as graphql-js does).
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const thrown: unknown = error.originalError;
  const originalError =
    thrown === undefined || thrown instanceof Error ? thrown : new Error(`Unexpected error value: ${JSON.stringify(thrown)}`);
  const made = new GraphQLError(originalError && !(thrown instanceof Error) ? originalError.message : error.message, {
    path: error.path,
    originalError,
    extensions: error.extensions,
  });
  (made as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return made;
}

function isPromise<T>(value: PromiseOrValue<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

type Gateway = NonNullable<Extract<ApolloServerOptions<BaseContext>, { gateway: unknown }>['gateway']>;

/**
 * Apollo Server 5 runs a custom executor only through its `gateway` option
 * (as graphql-modules does): this one serves a fixed schema and executes
 * through `execution`. Apollo still parses, validates, runs every plugin and
 * formats errors; only execution changes.
 */
export function apolloGateway(schema: GraphQLSchema, execution: CompiledExecution): Gateway {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return {
        schema,
        executor: async (request) =>
          execution.execute({
            schema,
            document: request.document,
            operationName: request.operationName ?? request.request.operationName ?? null,
            variableValues: request.request.variables,
            contextValue: request.context,
          }),
      };
    },
    async stop() {},
  };
}
