/** Which snapshots a listing returns. */
export enum SnapshotState {
  ALL = 'ALL',
  VALID = 'VALID',
  INVALID = 'INVALID',
  EXPIRED = 'EXPIRED',
}
