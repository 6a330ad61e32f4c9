import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Context } from '../context';
import { apolloGateway } from '../execution/compiled-execution';
import { operationCheckPlugin } from '../pipeline/apollo-plugins';
import type { OperationPipeline } from '../pipeline/operation-pipeline';
import { requestTracePlugin } from './request-trace';

/**
 * Apollo Server running the operation pipeline for HTTP requests: its parse
 * options and validation rules, its checks (a plugin), its execution (the
 * gateway) and its error formatting.
 */
export function createApolloServer(pipeline: OperationPipeline): ApolloServer<Context> {
  return new ApolloServer<Context>({
    gateway: apolloGateway(pipeline.schema, pipeline.execution),
    formatError: pipeline.formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Apollo's defaults, stated because the limits rely on them: no batched arrays, CSRF prevention on.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // index.ts drains and exits 0 on SIGTERM; Apollo's own handler would stop early and re-raise the signal.
    stopOnTerminationSignals: false,
    // Apollo's landing page loads from the internet; the playground (http/playground.ts) does not.
    // No HTTP caching of GraphQL answers here: without cache control, Apollo does not wrap every field's resolver.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), requestTracePlugin(), operationCheckPlugin(pipeline)],
    validationRules: pipeline.validationRules,
    parseOptions: pipeline.parseOptions,
  });
}
