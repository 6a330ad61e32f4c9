/**
 * What may be leased and renewed. Pure: no database, no GraphQL.
 */
import { SnapshotStatus } from '../snapshots/snapshot-lifecycle';

/** A lease lasts 1 second to 7 days from when it is taken or renewed. */
export const TTL_LIMITS = { min: 1, max: 604_800 } as const;
export const DEFAULT_TTL_SECONDS = 3600;
export const HOLDER_LIMITS = { min: 1, max: 255 } as const;

/** Why `ttlSeconds` cannot be used; null when it can. */
export function ttlRefusal(ttlSeconds: number): string | null {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < TTL_LIMITS.min || ttlSeconds > TTL_LIMITS.max) {
    return `"ttlSeconds" must be from ${TTL_LIMITS.min} to ${TTL_LIMITS.max}, got ${ttlSeconds}`;
  }
  return null;
}

/** Why a snapshot cannot be leased; null when it can (ACTIVE and not expired). */
export function leaseRefusal(snapshot: { id: string; status: SnapshotStatus; expiredAt: Date | null }): string | null {
  if (snapshot.expiredAt !== null) return `Snapshot ${snapshot.id} has expired; an expired snapshot cannot be leased`;
  if (snapshot.status !== SnapshotStatus.ACTIVE) return `Only an ACTIVE snapshot can be leased; snapshot ${snapshot.id} is ${snapshot.status}`;
  return null;
}

/** Whether a lease is live at `now`: not released, and not past its expiresAt. */
export function isLive(lease: { releasedAt: Date | null; expiresAt: Date }, now: Date): boolean {
  return lease.releasedAt === null && now.getTime() < lease.expiresAt.getTime();
}

/** Why a lease cannot be renewed; null when it can (it is live). `live` is `isLive` at the time it was read. */
export function renewRefusal(lease: { id: string; releasedAt: Date | null; live: boolean }): string | null {
  if (lease.releasedAt !== null) return `Lease ${lease.id} was released; take a new lease`;
  if (!lease.live) return `Lease ${lease.id} has lapsed (its expiresAt has passed); take a new lease`;
  return null;
}
