import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects one of `paths` below it (e.g.
 * `['nodes', 'images']`), through inline fragments and fragment spreads;
 * @skip and @include are not read (a field they drop only makes the answer
 * read a little more than needed). Lets a resolver read in its own statement
 * what the fields below it will ask for, instead of one more round later.
 */
export function selects(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, paths: readonly (readonly string[])[]): boolean {
  const within = (set: SelectionSetNode | undefined, path: readonly string[], seen: Set<string>): boolean => {
    if (!set) return false;
    if (path.length === 0) return true;
    return set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === path[0] && within(selection.selectionSet, path.slice(1), seen);
      if (selection.kind === Kind.INLINE_FRAGMENT) return within(selection.selectionSet, path, seen);
      const name = selection.name.value;
      if (seen.has(name)) return false;
      return within(info.fragments[name]?.selectionSet, path, new Set(seen).add(name));
    });
  };
  return paths.some((path) => info.fieldNodes.some((node) => within(node.selectionSet, path, new Set())));
}
