import type { ChangeFeed } from '../events/change-feed';
import { type Changed, changing } from '../events/changing';
import type { SnapshotChange } from '../events/snapshot-change';
import { badInput, conflict, invalidTransition, notFound } from '../errors';
import type { EntityRow } from '../database/entity-rows';
import { uniqueViolation } from '../database/pg-errors';
import { type Db, type RowLock, type SqlFragment, sql } from '../database/sql';
import { snapshotStatusCodes } from '../database/status-codes';
import type { Tables } from '../database/tables';
import { PlanStatus } from '../projects/plan-status';
import type { Plan } from '../projects/plan.entity';
import type { Project } from '../projects/project.entity';
import { type ProjectQueries, matchProject } from '../projects/project.queries';
import {
  SnapshotStatus,
  aggregateStatus,
  snapshotChangeRefusal,
  statusAfterBuild,
  transition,
} from './snapshot-lifecycle';
import type { SnapshotImage } from './snapshot-image.entity';
import type { Snapshot } from './snapshot.entity';
import type { SnapshotQueries } from './snapshot.queries';
import type { ChangeNote, StatusHistory } from './status-history';

export interface NewSnapshot {
  projectRef: string;
  buildId: string | null;
  revision: string | null;
  /** Plans and job ids, already canonical; null: one image per ACTIVE plan that uses its own images. */
  images: { planId: string; jobId: string | null }[] | null;
}

/** The first value that appears again in `values`, in one pass; null when none does. */
function firstRepeated(values: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return null;
}

/** Why a plan cannot have an image in a new snapshot of `project`, or null when it can. */
function imagePlanRefusal(plan: Plan, project: Project): string | null {
  if (plan.projectId !== project.id) return `Plan ${plan.id} is not a plan of project ${project.slug}`;
  if (plan.status !== PlanStatus.ACTIVE) return `Plan ${plan.id} is not ACTIVE`;
  if (plan.snapshotPlanId !== null) return `Plan ${plan.id} uses the images of plan ${plan.snapshotPlanId}`;
  return null;
}

/** Changes to snapshots and images: each one transaction, the snapshot row locked first. */
export class SnapshotService {
  constructor(
    private readonly db: Db,
    private readonly t: Tables,
    private readonly projects: ProjectQueries,
    private readonly snapshots: SnapshotQueries,
    private readonly statusHistory: StatusHistory,
    private readonly feed: ChangeFeed,
  ) {}

  /**
   * Runs `work` in a transaction; the snapshots it reports through `changed`
   * are told to subscribers once, if and when the transaction commits.
   */
  private change<T>(work: (tx: Db, changed: Changed) => Promise<T>): Promise<T> {
    return changing(this.db, this.feed, work);
  }

  private static changeOf(snapshot: Snapshot): SnapshotChange {
    return { snapshotId: snapshot.id, projectId: snapshot.projectId };
  }

  /** Creates a snapshot, PENDING; its status history starts with UNKNOWN to PENDING by `actor`. */
  async create(actor: string, input: NewSnapshot): Promise<Snapshot> {
    try {
      return await this.change((tx, changed) => this.insertSnapshot(tx, input, actor, changed));
    } catch (err) {
      const constraint = uniqueViolation(err);
      if (constraint === 'snapshot_image_job_id_key') throw conflict('A job id is already used by another image');
      throw err;
    }
  }

  private async insertSnapshot(
    tx: Db,
    input: NewSnapshot,
    actor: string,
    changed: (s: SnapshotChange) => void,
  ): Promise<Snapshot> {
    const project = matchProject(await this.projects.projectsByRef(tx, [input.projectRef]), input.projectRef);
    if (!project) throw notFound('project', input.projectRef);
    if (input.buildId) {
      const existing = await this.snapshotOfBuild(tx, input.buildId);
      if (existing) return this.retried(existing, project);
    }
    const plans = await this.imagePlans(tx, project, input.images);
    // The snapshot row first: a concurrent call with the same buildId waits here for the
    // first one's transaction and then returns its snapshot, whatever job ids both name.
    const row = await tx.maybeOne(
      sql<EntityRow>`INSERT INTO snapshot (project_id, status, build_id, revision)
       VALUES (${project.id}, ${snapshotStatusCodes.encode(SnapshotStatus.PENDING)}, ${input.buildId}, ${input.revision})
       ON CONFLICT (build_id) DO NOTHING RETURNING ${this.t.snapshot.selectList('snapshot')}`,
    );
    if (!row) return this.retried((await this.snapshotOfBuild(tx, input.buildId!))!, project);
    const snapshot = this.t.snapshot.hydrate(row);
    const jobOf = new Map((input.images ?? []).map((i) => [i.planId, i.jobId]));
    const jobIds = [...jobOf.values()].filter((id): id is string => id !== null);
    if (jobIds.length) {
      const used = await tx.maybeOne(
        sql<{ jobId: string }>`SELECT job_id AS "jobId" FROM snapshot_image WHERE job_id = ANY(${jobIds}::text[]) LIMIT 1`,
      );
      if (used) throw conflict(`Job id ${used.jobId} is already used by another image`);
    }
    const planIds = plans.map((p) => p.id);
    const planJobIds = plans.map((p) => jobOf.get(p.id) ?? null);
    // Rows go in by job id, the order every such insert takes: two snapshots naming the same
    // job ids in other orders then wait for each other in one order, never in a cycle (a
    // deadlock). Creation times one microsecond apart from one instant keep the images in the
    // order given, whatever the clock's resolution.
    await tx.exec(
      sql`WITH t0 AS MATERIALIZED (SELECT clock_timestamp() AS at)
       INSERT INTO snapshot_image (snapshot_id, plan_id, status, job_id, date_created)
       SELECT ${snapshot.id}, t.plan_id, ${snapshotStatusCodes.encode(SnapshotStatus.UNKNOWN)}, t.job_id,
              t0.at + (t.n - 1) * interval '1 microsecond'
       FROM unnest(${planIds}::uuid[], ${planJobIds}::text[]) WITH ORDINALITY AS t (plan_id, job_id, n) CROSS JOIN t0
       ORDER BY t.job_id COLLATE "C", t.n`,
    );
    await this.statusHistory.record(tx, {
      snapshotId: snapshot.id, from: SnapshotStatus.UNKNOWN, to: SnapshotStatus.PENDING, actor, reason: null,
    });
    changed(SnapshotService.changeOf(snapshot));
    return snapshot;
  }

  /** A second createSnapshot with the same buildId: the first one's result, if it was for the same project. */
  private retried(existing: Snapshot, project: Project): Snapshot {
    if (existing.projectId !== project.id) {
      throw conflict(`Build ${existing.buildId} already has a snapshot in another project`);
    }
    return existing;
  }

  private snapshotOfBuild(tx: Db, buildId: string, lock: RowLock = 'none'): Promise<Snapshot | null> {
    return this.t.snapshot.maybeOne(tx, sql`build_id = ${buildId}`, lock);
  }

  /** The plans that get an image: those named, checked; else every ACTIVE plan that uses its own images. */
  private async imagePlans(tx: Db, project: Project, images: NewSnapshot['images']): Promise<Plan[]> {
    if (images === null) {
      const plans = (await this.projects.plansOfProjects(tx, [project.id])).filter(
        (p) => p.status === PlanStatus.ACTIVE && p.snapshotPlanId === null,
      );
      if (!plans.length) throw badInput(`Project ${project.slug} has no ACTIVE plan that uses its own images`, 'images');
      return plans;
    }
    if (!images.length) throw badInput('A snapshot needs at least one image', 'images');
    const planIds = images.map((i) => i.planId);
    const repeated = firstRepeated(planIds);
    if (repeated) throw badInput(`Plan ${repeated} is named more than once`, 'images');
    const repeatedJob = firstRepeated(images.map((i) => i.jobId).filter((id) => id !== null));
    if (repeatedJob) throw badInput(`Job id ${repeatedJob} is named more than once`, 'images');
    const found = new Map((await this.t.plan.byIds(tx, planIds)).map((p) => [p.id, p]));
    return planIds.map((id) => {
      const plan = found.get(id);
      if (!plan) throw notFound('plan', id);
      const refusal = imagePlanRefusal(plan, project);
      if (refusal) throw badInput(refusal, 'images');
      return plan;
    });
  }

  /**
   * Locks the snapshot row that meets `condition` (on the table `snapshot`), then
   * reads its images in a statement of their own (so they are current).
   */
  private async lockSnapshot(tx: Db, condition: SqlFragment): Promise<{ snapshot: Snapshot; images: SnapshotImage[] } | null> {
    const snapshot = await this.t.snapshot.maybeOne(tx, condition, 'forUpdate');
    if (!snapshot) return null;
    return { snapshot, images: await this.snapshots.imagesOfSnapshots(tx, [snapshot.id]) };
  }

  /** Sets an image's status, and its snapshot's with it; a move of the snapshot is recorded with the image and the note. */
  async changeImageStatus(imageId: string, status: SnapshotStatus, note: ChangeNote): Promise<{ image: SnapshotImage; snapshot: Snapshot }> {
    return this.change(async (tx, changed) => {
      const locked = await this.lockSnapshot(
        tx,
        sql`snapshot.id = (SELECT i.snapshot_id FROM snapshot_image i WHERE i.id = ${imageId})`,
      );
      const image = locked?.images.find((i) => i.id === imageId);
      if (!locked || !image) throw notFound('snapshot image', imageId);
      const { snapshot, images } = locked;
      const kind = transition(image.status, status);
      if (kind === 'invalid') throw invalidTransition(`An image cannot go from ${image.status} to ${status}`);
      if (kind === 'same') return { image, snapshot };
      image.status = status;
      const next = aggregateStatus(snapshot.status, images.map((i) => i.status));
      const nextCode = snapshotStatusCodes.encode(next);
      await tx.exec(
        sql`WITH image AS (UPDATE snapshot_image SET status = ${snapshotStatusCodes.encode(status)} WHERE id = ${image.id})
         UPDATE snapshot SET status = ${nextCode} WHERE id = ${snapshot.id} AND status <> ${nextCode}`,
      );
      if (next !== snapshot.status) {
        await this.statusHistory.record(tx, { snapshotId: snapshot.id, from: snapshot.status, to: next, imageId: image.id, ...note });
      }
      snapshot.status = next;
      changed(SnapshotService.changeOf(snapshot));
      return { image, snapshot };
    });
  }

  async changeSnapshotStatus(snapshotId: string, status: SnapshotStatus, note: ChangeNote): Promise<Snapshot> {
    return this.change(async (tx, changed) => {
      const locked = await this.lockSnapshot(tx, sql`snapshot.id = ${snapshotId}`);
      if (!locked) throw notFound('snapshot', snapshotId);
      const { snapshot, images } = locked;
      const refusal = snapshotChangeRefusal(snapshot.status, status, images.map((i) => i.status));
      if (refusal) throw invalidTransition(refusal);
      return this.setStatus(tx, snapshot, status, note, changed);
    });
  }

  /**
   * The build that produces a snapshot finished; null when no snapshot has
   * that build. A change it causes is recorded as "build <id> did not pass".
   */
  async buildFinished(buildId: string, passed: boolean, actor: string): Promise<Snapshot | null> {
    return this.change(async (tx, changed) => {
      const snapshot = await this.snapshotOfBuild(tx, buildId, 'forUpdate');
      if (!snapshot) return null;
      const note = { actor, reason: `build ${buildId} did not pass` };
      return this.setStatus(tx, snapshot, statusAfterBuild(snapshot.status, passed), note, changed);
    });
  }

  private async setStatus(
    tx: Db,
    snapshot: Snapshot,
    status: SnapshotStatus,
    note: ChangeNote,
    changed: (s: SnapshotChange) => void,
  ): Promise<Snapshot> {
    if (snapshot.status === status) return snapshot;
    await tx.exec(sql`UPDATE snapshot SET status = ${snapshotStatusCodes.encode(status)} WHERE id = ${snapshot.id}`);
    await this.statusHistory.record(tx, { snapshotId: snapshot.id, from: snapshot.status, to: status, ...note });
    snapshot.status = status;
    changed(SnapshotService.changeOf(snapshot));
    return snapshot;
  }
}
