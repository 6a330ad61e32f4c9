import type { ApolloServerPlugin } from '@apollo/server';
import { type FieldNode, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode } from 'graphql';
import { AppError, ErrorCode } from '../errors';
import { ANONYMOUS, type Caller } from './caller';
import { MUTATION_ROLES, requireRole } from './permissions';

/** The top-level fields of a mutation, through fragments; @skip and @include are ignored (checked as if selected). */
function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    const fragment = fragments.get(name);
    if (!fragment || seen.has(name)) return [];
    seen.add(name);
    return rootFields(fragment.selectionSet, fragments, seen);
  });
}

/**
 * Checks the caller's role for every mutation field of an operation before
 * any of them runs, so that a document mixing allowed and refused mutations
 * changes nothing: HTTP 401 UNAUTHENTICATED without a token, 403 FORBIDDEN
 * with too small a role. (Each mutation's resolver checks again: see
 * permissions.ts; that check also covers other transports.)
 */
export function mutationGuardPlugin(): ApolloServerPlugin<{ caller?: Caller }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          const fragments = new Map(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
          );
          for (const field of rootFields(operation.selectionSet, fragments)) {
            const needed = MUTATION_ROLES[field.name.value];
            if (!needed) continue; // __typename; an unknown field failed validation already
            try {
              requireRole(contextValue?.caller ?? ANONYMOUS, needed, field.name.value);
            } catch (err) {
              if (!(err instanceof AppError)) throw err;
              const code = err.extensions.code as string;
              throw new GraphQLError(err.message, {
                nodes: [field],
                path: [field.alias?.value ?? field.name.value],
                extensions: { code, http: { status: code === ErrorCode.UNAUTHENTICATED ? 401 : 403 } },
              });
            }
          }
        },
      };
    },
  };
}
