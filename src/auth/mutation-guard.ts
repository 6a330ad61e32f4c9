import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
} from 'graphql';
import { AppError, ErrorCode } from '../errors';
import type { Caller } from './caller';
import { requiredRole, requireRole } from './permissions';

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
 * Checks the caller's role (`@RequiresRole`, read from the schema) for every
 * mutation field of an operation before any of them runs, so that a document
 * mixing allowed and refused mutations changes nothing. Returns the refusal:
 * UNAUTHENTICATED without a token (HTTP 401), FORBIDDEN with too small a role
 * (403); null when every field is allowed, or the operation is no mutation.
 */
export function authorizeOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, caller: Caller): GraphQLError | null {
  if (operation.operation !== OperationTypeNode.MUTATION) return null;
  const mutation = schema.getMutationType();
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  for (const field of rootFields(operation.selectionSet, fragments)) {
    const definition = mutation?.getFields()[field.name.value];
    const needed = definition && requiredRole(definition);
    if (!needed) continue; // __typename; an unknown field failed validation already
    try {
      requireRole(caller, needed, field.name.value);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const code = err.extensions.code as string;
      return new GraphQLError(err.message, {
        nodes: [field],
        path: [field.alias?.value ?? field.name.value],
        extensions: { code, http: { status: code === ErrorCode.UNAUTHENTICATED ? 401 : 403 } },
      });
    }
  }
  return null;
}
