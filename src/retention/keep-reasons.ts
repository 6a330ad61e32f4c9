/**
 * Which snapshots are kept, and why: the retention rule. Pure: no database,
 * no GraphQL. The queries gather a `KeepFacts` per snapshot; this module alone
 * decides what they mean, for `Snapshot.keptBecause` and for expiry alike.
 */

/** Why a snapshot is kept, in the order they are listed. */
export enum KeepReason {
  /** It is its project's current snapshot. */
  CURRENT = 'CURRENT',
  /** A live lease holds it. */
  LEASED = 'LEASED',
  /** It is one of the newest `keepActive` ACTIVE, unexpired snapshots of its project. */
  NEWEST_ACTIVE = 'NEWEST_ACTIVE',
  /** It was created less than `keepDays` days ago. */
  RECENT = 'RECENT',
  /** It was made current by one of its project's last `keepHistory` current-snapshot changes. */
  HISTORY = 'HISTORY',
}

/** A project's retention policy. */
export interface RetentionPolicy {
  keepActive: number;
  keepDays: number;
  keepHistory: number;
}

export const DEFAULT_POLICY: Readonly<RetentionPolicy> = { keepActive: 10, keepDays: 30, keepHistory: 5 };

/** The range of each policy setting, inclusive. */
export const POLICY_LIMITS: Readonly<Record<keyof RetentionPolicy, { min: number; max: number }>> = {
  keepActive: { min: 0, max: 1000 },
  keepDays: { min: 0, max: 3650 },
  keepHistory: { min: 0, max: 100 },
};

/** Why a policy cannot be set, with the setting at fault; null when it can. */
export function policyRefusal(policy: RetentionPolicy): { setting: keyof RetentionPolicy; message: string } | null {
  for (const setting of Object.keys(POLICY_LIMITS) as (keyof RetentionPolicy)[]) {
    const { min, max } = POLICY_LIMITS[setting];
    const value = policy[setting];
    if (!Number.isInteger(value) || value < min || value > max) {
      return { setting, message: `"${setting}" must be from ${min} to ${max}, got ${value}` };
    }
  }
  return null;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** What the rule needs to know about one snapshot, all read at one moment (`now`). */
export interface KeepFacts {
  /** When it expired; null while it has not. */
  expiredAt: Date | null;
  /** Its project's current snapshot. */
  current: boolean;
  /** At least one lease on it is live (not released, not past its expiresAt). */
  leased: boolean;
  /** Its status is ACTIVE. */
  active: boolean;
  /**
   * How many ACTIVE, unexpired snapshots of its project are newer than it.
   * The count may stop at `keepActive`: only whether it is below matters.
   */
  newerActive: number;
  dateCreated: Date;
  /**
   * Of its project's current-snapshot changes, newest first, the position (0:
   * the latest) of the newest one that made this snapshot current; null when
   * none did, or none of the last `keepHistory` did.
   */
  historyPosition: number | null;
  now: Date;
}

/** Why the snapshot is kept, in KeepReason order; empty when nothing keeps it, and always once it has expired. */
export function keepReasons(facts: KeepFacts, policy: RetentionPolicy): KeepReason[] {
  if (facts.expiredAt !== null) return [];
  const reasons: KeepReason[] = [];
  if (facts.current) reasons.push(KeepReason.CURRENT);
  if (facts.leased) reasons.push(KeepReason.LEASED);
  if (facts.active && facts.newerActive < policy.keepActive) reasons.push(KeepReason.NEWEST_ACTIVE);
  if (facts.now.getTime() - facts.dateCreated.getTime() < policy.keepDays * DAY_MS) reasons.push(KeepReason.RECENT);
  if (facts.historyPosition !== null && facts.historyPosition < policy.keepHistory) reasons.push(KeepReason.HISTORY);
  return reasons;
}

/** True when expiry takes the snapshot: it has not expired and nothing keeps it. */
export function expires(facts: KeepFacts, policy: RetentionPolicy): boolean {
  return facts.expiredAt === null && keepReasons(facts, policy).length === 0;
}
