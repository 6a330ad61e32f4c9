import type { EntityRow } from '../database/entity-rows';
import { type Db, sql } from '../database/sql';
import type { Tables } from '../database/tables';
import { badInput, notFound } from '../errors';
import type { ChangeFeed } from '../events/change-feed';
import { changing } from '../events/changing';
import type { Project } from '../projects/project.entity';
import type { Snapshot } from '../snapshots/snapshot.entity';
import { type RetentionPolicy, expires, policyRefusal } from './keep-reasons';
import type { RetentionQueries } from './retention.queries';

/** Projects whose snapshots one statement reads, and one transaction expires. */
export const PROJECTS_PER_BATCH = 100;

/** Any fixed number: the periodic expiry of every instance takes the same lock. */
export const EXPIRY_LOCK = 0x5e4a_7011;

interface Expired {
  snapshot: Snapshot;
  micros: bigint;
}

/** Newest first, as listings order snapshots: creation time, then id. */
const newestFirst = (a: Expired, b: Expired): number =>
  a.micros === b.micros ? (a.snapshot.id < b.snapshot.id ? 1 : -1) : a.micros < b.micros ? 1 : -1;

/**
 * Retention policies and expiry. Expiry reads every unexpired snapshot of a
 * batch of projects with its keep facts (one statement, no lock), and for
 * those the keep rule lets go, in one transaction: locks their rows (FOR NO
 * KEY UPDATE, in id order), reads their keep facts again in a new statement
 * (so that a lease or a promotion that committed while it waited for a row is
 * seen), and expires those still kept by nothing. So a batch costs the same
 * few statements however many snapshots it has, and a snapshot that leasing
 * or setting the current snapshot (which lock the row too) kept is never
 * expired.
 */
export class ExpiryService {
  constructor(
    private readonly db: Db,
    private readonly t: Tables,
    private readonly queries: RetentionQueries,
    private readonly feed: ChangeFeed,
  ) {}

  async setPolicy(projectId: string, policy: RetentionPolicy): Promise<Project> {
    const refusal = policyRefusal(policy);
    if (refusal) throw badInput(refusal.message, refusal.setting);
    const row = await this.db.maybeOne(sql`
      UPDATE project p SET keep_active = ${policy.keepActive}, keep_days = ${policy.keepDays}, keep_history = ${policy.keepHistory}
      WHERE p.id = ${projectId} RETURNING ${this.t.project.selectList('p')}`);
    if (!row) throw notFound('project', projectId);
    return this.t.project.hydrate(row);
  }

  /**
   * Expires every snapshot of the project (every project when null) that
   * nothing keeps; with `dryRun`, changes nothing and returns the same list.
   * Newest first. An aborted `signal` stops it between batches.
   */
  async expire(projectId: string | null, dryRun: boolean, signal?: AbortSignal): Promise<Snapshot[]> {
    const projectIds = projectId === null ? await this.queries.allProjectIds(this.db) : [projectId];
    const done: Expired[] = [];
    for (let i = 0; i < projectIds.length && !signal?.aborted; i += PROJECTS_PER_BATCH) {
      const batch = projectIds.slice(i, i + PROJECTS_PER_BATCH);
      const candidates = (await this.queries.unexpiredOfProjects(this.db, batch)).filter((k) => expires(k.facts, k.policy));
      if (!candidates.length) continue;
      if (dryRun) done.push(...candidates);
      else done.push(...(await this.expireCandidates(candidates.map((c) => c.snapshot.id))));
    }
    return done.sort(newestFirst).map((e) => e.snapshot);
  }

  /**
   * `expire` for every project, unless another instance is running it: then
   * null. The lock is a session-level advisory lock on a connection held for
   * the run (each batch is still a transaction of its own).
   */
  async expireAllExclusively(signal?: AbortSignal): Promise<Snapshot[] | null> {
    return this.db.session(async (session) => {
      const { locked } = await session.one<{ locked: boolean }>(sql`SELECT pg_try_advisory_lock(${EXPIRY_LOCK}) AS locked`);
      if (!locked) return null;
      try {
        return await this.expire(null, false, signal);
      } finally {
        await session.exec(sql`SELECT pg_advisory_unlock(${EXPIRY_LOCK})`);
      }
    });
  }

  private expireCandidates(ids: string[]): Promise<Expired[]> {
    return changing(this.db, this.feed, async (tx, changed) => {
      const locked = await tx.many<{ id: string }>(sql`
        SELECT s.id FROM snapshot s WHERE s.id = ANY(${ids}::uuid[]) AND s.expired_at IS NULL
        ORDER BY s.id FOR NO KEY UPDATE`);
      if (!locked.length) return [];
      const still = (await this.queries.keepOfSnapshots(tx, locked.map((r) => r.id)))
        .filter((k) => expires(k.facts, k.policy))
        .map((k) => k.snapshot.id);
      if (!still.length) return [];
      const rows = await tx.many<EntityRow & { micros: string }>(sql`
        UPDATE snapshot s SET expired_at = now()
        WHERE s.id = ANY(${still}::uuid[]) AND s.expired_at IS NULL
        RETURNING ${this.t.snapshot.selectList('s')}, (extract(epoch FROM s.date_created) * 1000000)::bigint::text AS micros`);
      return rows.map((row) => {
        const snapshot = this.t.snapshot.hydrate(row);
        changed({ snapshotId: snapshot.id, projectId: snapshot.projectId });
        return { snapshot, micros: BigInt(row.micros) };
      });
    });
  }
}
