import { type Db, sql } from '../database/sql';
import type { Tables } from '../database/tables';
import { snapshotStatusCodes } from '../database/status-codes';
import type { SnapshotStatus } from './snapshot-lifecycle';
import type { SnapshotStatusChange } from './snapshot-status-change.entity';

/** Who made a change and why: recorded with it. */
export interface ChangeNote {
  /** The name of the token of the request. */
  actor: string;
  reason: string | null;
}

/** A change of a snapshot's own status, as it is recorded. */
export interface StatusChangeRecord extends ChangeNote {
  snapshotId: string;
  from: SnapshotStatus;
  to: SnapshotStatus;
  /** The image whose change moved the snapshot, when one did. */
  imageId?: string | null;
}

/** Writes and reads `snapshot_status_change`. Rows are only ever added. */
export class StatusHistory {
  constructor(private readonly t: Tables) {}

  /** Records one change; call it inside the transaction that makes the change. */
  async record(tx: Db, change: StatusChangeRecord): Promise<void> {
    await tx.exec(sql`
      INSERT INTO snapshot_status_change (snapshot_id, from_status, to_status, actor, reason, image_id, at)
      VALUES (${change.snapshotId}, ${snapshotStatusCodes.encode(change.from)}, ${snapshotStatusCodes.encode(change.to)}, ${change.actor},
              ${change.reason}, ${change.imageId ?? null}, clock_timestamp())`);
  }

  /** The changes of the given snapshots, each snapshot's oldest first. */
  async ofSnapshots(db: Db, snapshotIds: readonly string[]): Promise<SnapshotStatusChange[]> {
    return this.t.statusChange.many(db, sql`
      SELECT ${this.t.statusChange.selectList('c')} FROM snapshot_status_change c
      WHERE c.snapshot_id = ANY(${snapshotIds}::uuid[])
      ORDER BY c.snapshot_id, c.id`);
  }
}
