import type { ValueTransformer } from 'typeorm';
import { STATUS_CODE, SnapshotStatus, statusFromCode } from '../snapshots/snapshot-lifecycle';

/** Stores a SnapshotStatus as its integer code. */
export const snapshotStatusColumn: ValueTransformer = {
  to: (status: SnapshotStatus | undefined) => (status === undefined ? undefined : STATUS_CODE[status]),
  from: (code: number | null) => (code === null ? null : statusFromCode(code)),
};
