import { registerEnumType } from 'type-graphql';
import { CurrentChangeKind } from './projects/current-change-kind';
import { PlanStatus } from './projects/plan-status';
import { KeepReason } from './retention/keep-reasons';
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
    VALID: { description: 'Every snapshot that is neither INVALIDATED nor expired.' },
    INVALID: { description: 'Only INVALIDATED snapshots.' },
    EXPIRED: { description: 'Only expired snapshots.' },
  },
});

registerEnumType(KeepReason, {
  name: 'KeepReason',
  description: 'Why a snapshot is kept.',
  valuesConfig: {
    CURRENT: { description: 'It is its project\'s current snapshot.' },
    LEASED: { description: 'A live lease holds it.' },
    NEWEST_ACTIVE: { description: 'It is one of the newest keepActive ACTIVE snapshots of its project.' },
    RECENT: { description: 'It was created less than keepDays days ago.' },
    HISTORY: { description: 'It was one of the last keepHistory values of its project\'s current snapshot.' },
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
