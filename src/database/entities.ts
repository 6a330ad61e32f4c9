import { CurrentSnapshotChange } from '../projects/current-snapshot-change.entity';
import { Plan } from '../projects/plan.entity';
import { Project } from '../projects/project.entity';
import { SnapshotLease } from '../retention/snapshot-lease.entity';
import { SnapshotImage } from '../snapshots/snapshot-image.entity';
import { SnapshotStatusChange } from '../snapshots/snapshot-status-change.entity';
import { Snapshot } from '../snapshots/snapshot.entity';

export const entities = [Project, Plan, Snapshot, SnapshotImage, CurrentSnapshotChange, SnapshotStatusChange, SnapshotLease];
