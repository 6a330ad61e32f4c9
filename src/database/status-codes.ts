import type { ValueTransformer } from 'typeorm';
import { CurrentChangeKind } from '../projects/current-change-kind';
import { PlanStatus } from '../projects/plan-status';
import { SnapshotStatus } from '../snapshots/snapshot-lifecycle';

/**
 * A status enum stored as a smallint: the one table of its codes, read both
 * ways. Entities read through `column`, statements write `encode(status)`, the
 * seed builds its histories from it, and a test checks each table against the
 * CHECK constraint the migrations gave its columns.
 */
export class StatusCodes<S extends string> {
  private readonly byCode: ReadonlyMap<number, S>;
  /** The column transformer: reads and writes through the same table. */
  readonly column: ValueTransformer;

  constructor(
    /** What the codes are of, for error messages ("snapshot status"). */
    readonly name: string,
    readonly codes: Readonly<Record<S, number>>,
  ) {
    this.byCode = new Map((Object.entries(codes) as [S, number][]).map(([status, code]) => [code, status]));
    this.column = {
      to: (status: S | undefined) => (status === undefined ? undefined : this.encode(status)),
      from: (code: number | null) => (code === null ? null : this.decode(code)),
    };
  }

  encode(status: S): number {
    return this.codes[status];
  }

  decode(code: number): S {
    const status = this.byCode.get(code);
    if (status === undefined) throw new Error(`unknown ${this.name} code ${code}`);
    return status;
  }

  /** Every code, ascending: what the column's CHECK allows. */
  all(): number[] {
    return [...this.byCode.keys()].sort((a, b) => a - b);
  }
}

/** Snapshot and image statuses: the integer codes of the original "changes" models. */
export const snapshotStatusCodes = new StatusCodes<SnapshotStatus>('snapshot status', {
  [SnapshotStatus.UNKNOWN]: 0,
  [SnapshotStatus.ACTIVE]: 1,
  [SnapshotStatus.FAILED]: 2,
  [SnapshotStatus.INVALIDATED]: 3,
  [SnapshotStatus.PENDING]: 4,
});

export const planStatusCodes = new StatusCodes<PlanStatus>('plan status', {
  [PlanStatus.INACTIVE]: 0,
  [PlanStatus.ACTIVE]: 1,
});

/** How a project's current snapshot changed (`current_snapshot_change.kind`). */
export const currentChangeKindCodes = new StatusCodes<CurrentChangeKind>('current-snapshot change kind', {
  [CurrentChangeKind.SET]: 0,
  [CurrentChangeKind.CLEARED]: 1,
  [CurrentChangeKind.ROLLBACK]: 2,
});
