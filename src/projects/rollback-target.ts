/**
 * Where a rollback of a project's current snapshot goes. Pure: no database,
 * no GraphQL.
 *
 * Rollback undoes moves, like an undo stack. Every SET or CLEARED move pushes
 * the value it replaced; a rollback pops values until it finds one it can
 * return to, and that value with everything above it is gone: the next
 * rollback goes further back, and a rollback is never itself undone.
 *
 *   set A, set B, set C      stack [none, A, B]   current C
 *   rollback      -> B       stack [none, A]
 *   rollback      -> A       stack [none]
 *   rollback      -> refused (nowhere to go), nothing changes
 *
 *   set A, set B, rollback (-> A), set C, rollback -> A
 *
 * On the way back a rollback skips values that are empty (the project had no
 * current snapshot), equal to the present value, or that it cannot return to
 * now (not ACTIVE, or expired): so a rollback always changes the value, or is
 * refused.
 */
import { CurrentChangeKind } from './current-change-kind';

/** One recorded change of the current snapshot; snapshot ids, null for none. */
export interface Move {
  kind: CurrentChangeKind;
  from: string | null;
  to: string | null;
}

/**
 * The values rollbacks may return to, the next one last, after `moves`
 * (oldest first). A recorded rollback popped everything above the value it
 * went to, and that value: the topmost entry equal to its `to`, since it took
 * the first value it could and would have taken a higher copy of the same one.
 */
export function undoStack(moves: readonly Move[]): (string | null)[] {
  const stack: (string | null)[] = [];
  for (const move of moves) {
    if (move.kind === CurrentChangeKind.ROLLBACK) {
      stack.length = Math.max(0, stack.lastIndexOf(move.to));
    } else {
      stack.push(move.from);
    }
  }
  return stack;
}

/**
 * The snapshot a rollback goes to from `present`, given the stack of
 * `undoStack`; null when there is nowhere to go. `usable` says whether a
 * snapshot may be returned to now (ACTIVE, not expired).
 */
export function rollbackTarget(
  stack: readonly (string | null)[],
  present: string | null,
  usable: (snapshotId: string) => boolean,
): string | null {
  for (let n = stack.length - 1; n >= 0; n--) {
    const value = stack[n];
    if (value !== null && value !== undefined && value !== present && usable(value)) return value;
  }
  return null;
}
