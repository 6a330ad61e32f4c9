import type { Db } from '../database/sql';
import { AppError, badInput, ErrorCode, invalidTransition, notFound } from '../errors';
import type { ChangeFeed } from '../events/change-feed';
import { type Changed, changing } from '../events/changing';
import { SnapshotStatus, transition } from '../snapshots/snapshot-lifecycle';
import type { Snapshot } from '../snapshots/snapshot.entity';
import type { ChangeNote, StatusHistory } from '../snapshots/status-history';
import { CurrentChangeKind } from './current-change-kind';
import type { Project } from './project.entity';
import type { PromotionQueries } from './promotion.queries';
import { rollbackTarget, undoStack } from './rollback-target';

/**
 * Changes of a project's current snapshot: set, clear, roll back, and
 * invalidating a snapshot with a rollback. Each is one transaction that locks
 * the project row first (FOR UPDATE), then reads and writes: so versions
 * count up without gaps or repeats from any number of instances, and the
 * history row is written with the change it records.
 */
export class PromotionService {
  constructor(
    private readonly db: Db,
    private readonly queries: PromotionQueries,
    private readonly statusHistory: StatusHistory,
    private readonly feed: ChangeFeed,
  ) {}

  /** Runs `work` in a transaction; the snapshots it reports are told to subscribers once it commits. */
  private change<T>(work: (tx: Db, changed: Changed) => Promise<T>): Promise<T> {
    return changing(this.db, this.feed, work);
  }

  private async lockProject(tx: Db, ref: string): Promise<Project> {
    const project = await this.queries.lockProject(tx, ref);
    if (!project) throw notFound('project', ref);
    return project;
  }

  /** CONFLICT, with the version that won, unless the project is at `ifVersion` (or none is given). */
  private static checkVersion(project: Project, ifVersion: number | null): void {
    if (ifVersion === null || ifVersion === project.currentVersion) return;
    throw new AppError(
      ErrorCode.CONFLICT,
      `Project ${project.slug} is at version ${project.currentVersion}, not ${ifVersion}: its current snapshot changed since`,
      { currentVersion: project.currentVersion },
    );
  }

  /** Moves the locked project's current snapshot, records it, and tells both snapshots' subscribers. */
  private async move(tx: Db, project: Project, kind: CurrentChangeKind, to: string | null, note: ChangeNote, changed: Changed): Promise<Project> {
    const moved = await this.queries.move(tx, project, { kind, to, ...note });
    for (const id of [project.currentSnapshotId, to]) {
      if (id !== null) changed({ snapshotId: id, projectId: project.id });
    }
    return moved;
  }

  /**
   * Makes an ACTIVE snapshot of the project its current one, or clears it
   * (null). Setting the one already current changes and records nothing.
   */
  async setCurrent(projectRef: string, snapshotId: string | null, ifVersion: number | null, note: ChangeNote): Promise<Project> {
    return this.change(async (tx, changed) => {
      const project = await this.lockProject(tx, projectRef);
      PromotionService.checkVersion(project, ifVersion);
      if (snapshotId !== null) {
        const snapshot = await this.queries.snapshot(tx, snapshotId, 'forShare');
        if (!snapshot) throw notFound('snapshot', snapshotId);
        if (snapshot.projectId !== project.id) {
          throw badInput(`Snapshot ${snapshot.id} is not a snapshot of project ${project.slug}`, 'snapshot');
        }
        if (snapshot.expiredAt !== null) {
          throw invalidTransition(`Snapshot ${snapshot.id} has expired; an expired snapshot cannot be current`);
        }
        if (snapshot.status !== SnapshotStatus.ACTIVE) {
          throw invalidTransition(`Only an ACTIVE snapshot can be current; snapshot ${snapshot.id} is ${snapshot.status}`);
        }
      }
      if (project.currentSnapshotId === snapshotId) return project;
      const kind = snapshotId === null ? CurrentChangeKind.CLEARED : CurrentChangeKind.SET;
      return this.move(tx, project, kind, snapshotId, note, changed);
    });
  }

  /**
   * Undoes the move that made the current snapshot what it is (see
   * rollback-target.ts); INVALID_TRANSITION when there is nowhere to go.
   */
  async rollback(projectRef: string, ifVersion: number | null, note: ChangeNote): Promise<Project> {
    return this.change(async (tx, changed) => {
      const project = await this.lockProject(tx, projectRef);
      PromotionService.checkVersion(project, ifVersion);
      const moved = await this.rollBackLocked(tx, project, note, changed);
      if (!moved) {
        throw invalidTransition(`Project ${project.slug} has nowhere to roll back to: no earlier current snapshot is ACTIVE, unexpired and other than the present one`);
      }
      return moved;
    });
  }

  /**
   * Rolls the locked project's current snapshot back; null, changing nothing,
   * when there is nowhere to go. The snapshot it goes to is locked FOR SHARE
   * and checked again, so that it is ACTIVE and not expired when the change
   * commits (expiry locks the rows it expires).
   */
  private async rollBackLocked(tx: Db, project: Project, note: ChangeNote, changed: Changed): Promise<Project | null> {
    const stack = undoStack(await this.queries.moves(tx, project.id));
    const candidates = [...new Set(stack.filter((id): id is string => id !== null && id !== project.currentSnapshotId))];
    if (!candidates.length) return null;
    const usable = await this.queries.usable(tx, project.id, candidates);
    for (;;) {
      const target = rollbackTarget(stack, project.currentSnapshotId, (id) => usable.has(id));
      if (target === null) return null;
      const locked = await this.queries.snapshot(tx, target, 'forShare');
      if (locked?.status === SnapshotStatus.ACTIVE && locked.expiredAt === null) {
        return this.move(tx, project, CurrentChangeKind.ROLLBACK, target, note, changed);
      }
      usable.delete(target); // it changed between the two reads: look further back
    }
  }

  /**
   * Makes a snapshot INVALIDATED with a reason, under the lifecycle (already
   * INVALIDATED: nothing to do). With `rollback` and the snapshot current, the
   * project's current snapshot rolls back in the same transaction; with
   * nowhere to go it stays current.
   */
  async invalidate(snapshotId: string, rollback: boolean, note: ChangeNote & { reason: string }): Promise<{ snapshot: Snapshot; project: Project | null }> {
    return this.change(async (tx, changed) => {
      const found = await this.queries.snapshot(tx, snapshotId);
      if (!found) throw notFound('snapshot', snapshotId);
      // The project first, as every change of the current snapshot locks it, then the snapshot.
      const project = rollback ? await this.queries.lockProjectById(tx, found.projectId) : null;
      const snapshot = (await this.queries.snapshot(tx, snapshotId, 'forUpdate'))!;
      const kind = transition(snapshot.status, SnapshotStatus.INVALIDATED);
      if (kind === 'invalid') throw invalidTransition(`A snapshot cannot go from ${snapshot.status} to ${SnapshotStatus.INVALIDATED}`);
      if (kind === 'same') return { snapshot, project };
      await this.queries.setStatus(tx, snapshot.id, SnapshotStatus.INVALIDATED);
      await this.statusHistory.record(tx, { snapshotId: snapshot.id, from: snapshot.status, to: SnapshotStatus.INVALIDATED, ...note });
      snapshot.status = SnapshotStatus.INVALIDATED;
      changed({ snapshotId: snapshot.id, projectId: snapshot.projectId });
      if (project?.currentSnapshotId === snapshot.id) {
        return { snapshot, project: (await this.rollBackLocked(tx, project, note, changed)) ?? project };
      }
      return { snapshot, project };
    });
  }
}
