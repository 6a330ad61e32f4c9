import { CurrentChangeKind } from '../../src/projects/current-change-kind';
import { type Move, rollbackTarget, undoStack } from '../../src/projects/rollback-target';

const { SET, CLEARED, ROLLBACK } = CurrentChangeKind;

/**
 * Plays a script of changes of one project's current snapshot, as the service
 * does: `set X`, `clear`, `invalidate X` (X can no longer be returned to), and
 * `rollback`. Returns what each rollback gave: the snapshot it went to, or
 * `refused` (nothing changes then).
 */
function play(script: string): string[] {
  const moves: Move[] = [];
  const unusable = new Set<string>();
  let present: string | null = null;
  const results: string[] = [];
  for (const step of script.split(',').map((s) => s.trim())) {
    const [op, arg] = step.split(/\s+/);
    if (op === 'set' || op === 'clear') {
      const to = op === 'set' ? arg! : null;
      if (to === present) continue; // setting the present value records nothing
      moves.push({ kind: to === null ? CLEARED : SET, from: present, to });
      present = to;
    } else if (op === 'invalidate') {
      unusable.add(arg!);
    } else if (op === 'rollback') {
      const to = rollbackTarget(undoStack(moves), present, (id) => !unusable.has(id));
      if (to === null) {
        results.push('refused');
        continue;
      }
      moves.push({ kind: ROLLBACK, from: present, to });
      present = to;
      results.push(to);
    } else throw new Error(`unknown step ${step}`);
  }
  return results;
}

describe('rollback: an undo stack of the moves of the current snapshot', () => {
  it.each([
    // The examples of the rules.
    ['set A, set B, set C, rollback, rollback, rollback', ['B', 'A', 'refused']],
    ['set A, set B, rollback, set C, rollback', ['A', 'A']],
    // Refused changes nothing: the next rollback has the same choices.
    ['set A, set B, set C, rollback, rollback, rollback, rollback', ['B', 'A', 'refused', 'refused']],
    // Nothing to undo.
    ['rollback', ['refused']],
    ['set A, rollback', ['refused']],
    // Values that cannot be returned to are skipped, and gone for later rollbacks.
    ['set A, set B, set C, invalidate B, rollback', ['A']],
    ['set A, set B, set C, invalidate B, rollback, rollback', ['A', 'refused']],
    ['set A, set B, set C, invalidate A, rollback, rollback', ['B', 'refused']],
    ['set A, set B, invalidate A, rollback', ['refused']],
    // Empty values (cleared) are skipped: clearing is undone by returning to the value before it.
    ['set A, clear, rollback', ['A']],
    ['set A, clear, set B, rollback, rollback', ['A', 'refused']],
    ['set A, set B, clear, rollback, rollback', ['B', 'A']],
    // Values equal to the present one are skipped.
    ['set A, set B, set A, rollback, rollback', ['B', 'A']],
    ['set A, set X, set A, set Y, rollback, invalidate X, rollback', ['A', 'refused']],
    // A rollback is not undone by the next one; a set after rollbacks is undone first.
    ['set A, set B, set C, set D, rollback, set E, rollback, rollback, rollback', ['C', 'C', 'B', 'A']],
    ['set A, set B, rollback, set B, rollback, rollback', ['A', 'A', 'refused']],
    // The current snapshot being invalidated does not stop a rollback from it.
    ['set A, set B, invalidate B, rollback', ['A']],
  ])('%s gives %j', (script, expected) => {
    expect(play(script)).toEqual(expected);
  });
});

describe('undoStack', () => {
  it('pushes the value each set or clear replaced; a rollback pops down to and through the value it went to', () => {
    const moves: Move[] = [
      { kind: SET, from: null, to: 'A' },
      { kind: SET, from: 'A', to: 'B' },
      { kind: SET, from: 'B', to: 'C' },
      { kind: CLEARED, from: 'C', to: null },
    ];
    expect(undoStack(moves)).toEqual([null, 'A', 'B', 'C']);
    // A rollback that skipped C and B (say, both invalidated) went to A.
    expect(undoStack([...moves, { kind: ROLLBACK, from: null, to: 'A' }])).toEqual([null]);
  });

  it('a rollback to a value no longer on the stack (a history begun mid-way) leaves nothing to undo', () => {
    expect(undoStack([{ kind: SET, from: 'X', to: 'A' }, { kind: ROLLBACK, from: 'A', to: 'Z' }])).toEqual([]);
  });
});

describe('rollbackTarget', () => {
  it('takes the most recent value that is set, other than the present one, and usable', () => {
    const usable = (id: string) => id !== 'B';
    expect(rollbackTarget([null, 'A', 'B', 'C'], 'C', usable)).toBe('A');
    expect(rollbackTarget([null, 'A', 'B', 'C'], 'D', usable)).toBe('C');
    expect(rollbackTarget([null, 'B'], 'A', usable)).toBeNull();
    expect(rollbackTarget([], null, usable)).toBeNull();
  });
});
