/** Something about a snapshot changed: its status, an image's status, or whether it is current. */
export interface SnapshotChange {
  snapshotId: string;
  projectId: string;
}

/** The NOTIFY payload: ids only. */
export function encodeChanges(changes: readonly SnapshotChange[]): string {
  return JSON.stringify(changes.map((c) => [c.snapshotId, c.projectId]));
}

/**
 * Changes per NOTIFY payload: each takes at most 80 bytes (two UUIDs, quotes,
 * brackets, a comma), so 90 stay under PostgreSQL's 8000-byte payload limit.
 */
export const CHANGES_PER_PAYLOAD = 90;

/** The payloads that tell `changes`: as many as it takes to keep each under the limit (an expiry run can change thousands). */
export function encodePayloads(changes: readonly SnapshotChange[]): string[] {
  const payloads: string[] = [];
  for (let i = 0; i < changes.length; i += CHANGES_PER_PAYLOAD) {
    payloads.push(encodeChanges(changes.slice(i, i + CHANGES_PER_PAYLOAD)));
  }
  return payloads;
}

export function decodeChanges(payload: string): SnapshotChange[] {
  const pairs: unknown = JSON.parse(payload);
  if (!Array.isArray(pairs)) return [];
  return pairs
    .filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string')
    .map(([snapshotId, projectId]) => ({ snapshotId, projectId }));
}
