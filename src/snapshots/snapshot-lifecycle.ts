/**
 * The lifecycle of snapshots and snapshot images, and how an image's status
 * moves its snapshot's. Pure: no database, no GraphQL.
 */
export enum SnapshotStatus {
  UNKNOWN = 'UNKNOWN',
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  FAILED = 'FAILED',
  INVALIDATED = 'INVALIDATED',
}

/** Where each status may go; a status absent from its own list can still be set again (a no-op). */
const NEXT: Readonly<Record<SnapshotStatus, readonly SnapshotStatus[]>> = {
  [SnapshotStatus.UNKNOWN]: [
    SnapshotStatus.PENDING,
    SnapshotStatus.ACTIVE,
    SnapshotStatus.FAILED,
    SnapshotStatus.INVALIDATED,
  ],
  [SnapshotStatus.PENDING]: [SnapshotStatus.ACTIVE, SnapshotStatus.FAILED],
  [SnapshotStatus.ACTIVE]: [SnapshotStatus.INVALIDATED],
  [SnapshotStatus.FAILED]: [],
  [SnapshotStatus.INVALIDATED]: [],
};

export type Transition = 'change' | 'same' | 'invalid';

/** Whether `from -> to` is a change, a repeat of the current status (allowed, nothing to do), or not allowed. */
export function transition(from: SnapshotStatus, to: SnapshotStatus): Transition {
  if (from === to) return 'same';
  return NEXT[from].includes(to) ? 'change' : 'invalid';
}

export function isTerminal(status: SnapshotStatus): boolean {
  return NEXT[status].length === 0;
}

/**
 * The snapshot's status after one of its images changed, given the statuses of
 * all its images as they are now:
 * - every image ACTIVE and the snapshot PENDING: ACTIVE;
 * - some image not ACTIVE and the snapshot ACTIVE: INVALIDATED;
 * - the snapshot PENDING and some image FAILED or INVALIDATED: FAILED, since it
 *   can never become ACTIVE;
 * - otherwise unchanged.
 */
export function aggregateStatus(
  snapshot: SnapshotStatus,
  images: readonly SnapshotStatus[],
): SnapshotStatus {
  const allActive = images.length > 0 && images.every((s) => s === SnapshotStatus.ACTIVE);
  if (allActive && snapshot === SnapshotStatus.PENDING) return SnapshotStatus.ACTIVE;
  if (!allActive && snapshot === SnapshotStatus.ACTIVE) return SnapshotStatus.INVALIDATED;
  if (
    snapshot === SnapshotStatus.PENDING &&
    images.some((s) => s === SnapshotStatus.FAILED || s === SnapshotStatus.INVALIDATED)
  ) {
    return SnapshotStatus.FAILED;
  }
  return snapshot;
}

/** Why a snapshot may not be set to `to` by hand given its images, or null when it may. */
export function snapshotChangeRefusal(
  from: SnapshotStatus,
  to: SnapshotStatus,
  images: readonly SnapshotStatus[],
): string | null {
  const kind = transition(from, to);
  if (kind === 'invalid') return `A snapshot cannot go from ${from} to ${to}`;
  if (kind === 'change' && to === SnapshotStatus.ACTIVE) {
    if (images.length === 0) return 'A snapshot without images cannot become ACTIVE';
    if (!images.every((s) => s === SnapshotStatus.ACTIVE)) {
      return 'A snapshot can become ACTIVE only when all its images are ACTIVE';
    }
  }
  return null;
}

/**
 * The snapshot's status once its build finished: a build that did not pass
 * invalidates an ACTIVE snapshot and fails one still being built; a passing
 * build changes nothing; terminal statuses stay.
 */
export function statusAfterBuild(current: SnapshotStatus, passed: boolean): SnapshotStatus {
  if (passed || isTerminal(current)) return current;
  return current === SnapshotStatus.ACTIVE ? SnapshotStatus.INVALIDATED : SnapshotStatus.FAILED;
}
