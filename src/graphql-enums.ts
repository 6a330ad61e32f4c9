import { registerEnumType } from 'type-graphql';
import { CurrentChangeKind } from './projects/current-change-kind';
import { PlanStatus } from './projects/plan-status';
import { SnapshotStatus } from './snapshots/snapshot-lifecycle';
import { SnapshotState } from './snapshots/snapshot-state';

registerEnumType(SnapshotStatus, {
  name: 'SnapshotStatus',
  description: `Lifecycle of a snapshot or of one snapshot image.
Allowed changes: UNKNOWN -> any other; PENDING -> ACTIVE or FAILED; ACTIVE -> INVALIDATED.
FAILED and INVALIDATED are terminal. Setting the status a row already has is a no-op, not an error.`,
});

registerEnumType(PlanStatus, {
  name: 'PlanStatus',
  description: 'Whether new snapshots get an image for the plan when the scheduler names no plans.',
});

registerEnumType(SnapshotState, {
  name: 'SnapshotState',
  description: 'Which snapshots a listing returns.',
  valuesConfig: {
    ALL: { description: 'Every snapshot.' },
    VALID: { description: 'Every snapshot that is not INVALIDATED.' },
    INVALID: { description: 'Only INVALIDATED snapshots.' },
  },
});

registerEnumType(CurrentChangeKind, {
  name: 'CurrentChangeKind',
  description: 'How a project\'s current snapshot changed.',
  valuesConfig: {
    SET: { description: 'setCurrentSnapshot named a snapshot.' },
    CLEARED: { description: 'setCurrentSnapshot with null.' },
    ROLLBACK: { description: 'rollbackCurrentSnapshot, or invalidateSnapshot with rollback.' },
  },
});
