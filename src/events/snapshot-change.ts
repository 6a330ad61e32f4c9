/** Something about a snapshot changed: its status, an image's status, or whether it is current. */
export interface SnapshotChange {
  snapshotId: string;
  projectId: string;
}

/** The NOTIFY payload: ids only (well under PostgreSQL's 8000-byte limit for a handful of changes). */
export function encodeChanges(changes: readonly SnapshotChange[]): string {
  return JSON.stringify(changes.map((c) => [c.snapshotId, c.projectId]));
}

export function decodeChanges(payload: string): SnapshotChange[] {
  const pairs: unknown = JSON.parse(payload);
  if (!Array.isArray(pairs)) return [];
  return pairs
    .filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string')
    .map(([snapshotId, projectId]) => ({ snapshotId, projectId }));
}
