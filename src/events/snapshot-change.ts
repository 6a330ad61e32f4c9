import { isUuid } from '../common/ids';

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

/**
 * The changes a payload tells: pairs of UUIDs only. Anything else (not JSON,
 * not pairs, an id that is not a UUID) is left out and counted in `malformed`,
 * so that no subscriber ever tries to read it.
 */
export function decodeChanges(payload: string): { changes: SnapshotChange[]; malformed: number } {
  let pairs: unknown;
  try {
    pairs = JSON.parse(payload);
  } catch {
    return { changes: [], malformed: 1 };
  }
  if (!Array.isArray(pairs)) return { changes: [], malformed: 1 };
  const changes = pairs
    .filter((p): p is [string, string] => Array.isArray(p) && p.length === 2 && isDashedUuid(p[0]) && isDashedUuid(p[1]))
    .map(([snapshotId, projectId]) => ({ snapshotId, projectId }));
  return { changes, malformed: pairs.length - changes.length };
}

/** An id as PostgreSQL writes a uuid (dashed). */
function isDashedUuid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && isUuid(value);
}
