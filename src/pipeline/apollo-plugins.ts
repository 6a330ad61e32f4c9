import type { ApolloServerPlugin } from '@apollo/server';
import { ANONYMOUS, type Caller } from '../auth/caller';
import type { OperationPipeline } from './operation-pipeline';

/**
 * Step 3 of the pipeline inside Apollo Server: once Apollo has parsed and
 * validated the operation, `pipeline.check` authorizes every mutation and
 * holds it to the node budget, before any resolver runs.
 */
export function operationCheckPlugin(pipeline: OperationPipeline): ApolloServerPlugin<{ caller?: Caller }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue }) {
          if (!operation) return;
          const refused = pipeline.check(document, operation, request.variables, contextValue?.caller ?? ANONYMOUS);
          if (refused) throw refused;
        },
      };
    },
  };
}
