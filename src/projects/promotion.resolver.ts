import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { actorOf } from '../auth/caller';
import { parseId } from '../common/ids';
import { pageSize, projectRef } from '../common/input';
import { optionalReason, requiredReason } from '../common/reason';
import { type Context, primeLoaders } from '../context';
import { Snapshot } from '../snapshots/snapshot.entity';
import { CurrentSnapshotChangeConnection } from './current-history-connection';
import { decodeHistoryCursor, encodeHistoryCursor } from './current-history-cursor';
import { CurrentSnapshotChange } from './current-snapshot-change.entity';
import { Project } from './project.entity';
import { FIRST_PAGE } from './promotion.queries';
import { RequiresRole } from '../auth/permissions';

@Resolver(() => Project)
export class PromotionResolver {
  @RequiresRole('scheduler')
  @Mutation(() => Project, {
    description: `Make an ACTIVE snapshot of the project its current one, or pass null to clear it.
With ifVersion: only when the project's currentVersion is that number, else
CONFLICT and nothing changes. Recorded in currentHistory with the reason.`,
  })
  async setCurrentSnapshot(
    @Ctx() ctx: Context,
    @Arg('project', () => ID) project: string,
    @Arg('snapshot', () => ID, { nullable: true }) snapshot?: string | null,
    @Arg('ifVersion', () => Int, { nullable: true }) ifVersion?: number | null,
    @Arg('reason', () => String, { nullable: true }) reason?: string | null,
  ): Promise<Project> {
    const changed = await ctx.services.promotion.setCurrent(
      projectRef(project),
      snapshot == null ? null : parseId(snapshot, 'snapshot'),
      ifVersion ?? null,
      { actor: actorOf(ctx.caller), reason: optionalReason(reason) },
    );
    primeLoaders(ctx.loaders, changed);
    return changed;
  }

  @RequiresRole('scheduler')
  @Mutation(() => Project, {
    description: `Undo the move that made the current snapshot what it is: return to the current
snapshot before it; a second rollback goes one move further back. Values that are
not ACTIVE now, or expired, or empty, are skipped. INVALID_TRANSITION when there is
nowhere to go. With ifVersion as in setCurrentSnapshot.`,
  })
  async rollbackCurrentSnapshot(
    @Ctx() ctx: Context,
    @Arg('project', () => ID) project: string,
    @Arg('reason', () => String) reason: string,
    @Arg('ifVersion', () => Int, { nullable: true }) ifVersion?: number | null,
  ): Promise<Project> {
    const changed = await ctx.services.promotion.rollback(projectRef(project), ifVersion ?? null, {
      actor: actorOf(ctx.caller),
      reason: requiredReason(reason),
    });
    primeLoaders(ctx.loaders, changed);
    return changed;
  }

  @RequiresRole('scheduler')
  @Mutation(() => Snapshot, {
    description: `Make a snapshot INVALIDATED, giving the reason; the lifecycle applies. With
rollback and the snapshot current, the project's current snapshot rolls back in
the same transaction, as rollbackCurrentSnapshot does; with nowhere to go it stays.`,
  })
  async invalidateSnapshot(
    @Ctx() ctx: Context,
    @Arg('snapshot', () => ID) snapshot: string,
    @Arg('reason', () => String) reason: string,
    @Arg('rollback', () => Boolean, { nullable: true, defaultValue: false }) rollback: boolean | null,
  ): Promise<Snapshot> {
    const changed = await ctx.services.promotion.invalidate(parseId(snapshot, 'snapshot'), rollback ?? false, {
      actor: actorOf(ctx.caller),
      reason: requiredReason(reason),
    });
    primeLoaders(ctx.loaders, changed.snapshot, changed.project);
    return changed.snapshot;
  }

  @FieldResolver(() => CurrentSnapshotChangeConnection, { description: 'The changes of the current snapshot, newest first.' })
  async currentHistory(
    @Root() project: Project,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<CurrentSnapshotChangeConnection> {
    const limit = pageSize(first ?? 20);
    const before = after == null ? FIRST_PAGE : decodeHistoryCursor(after);
    const rows = await ctx.loaders.currentHistoryPage.load({ projectId: project.id, before, limit: limit + 1 });
    const nodes = rows.slice(0, limit);
    const last = nodes.at(-1);
    return {
      nodes,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? encodeHistoryCursor(last.version) : null },
      projectId: project.id,
    };
  }
}

@Resolver(() => CurrentSnapshotChangeConnection)
export class CurrentSnapshotChangeConnectionResolver {
  @FieldResolver(() => Int, { description: 'How many changes the history has in all pages.' })
  totalCount(@Root() connection: CurrentSnapshotChangeConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.currentHistoryCount.load(connection.projectId);
  }
}

@Resolver(() => CurrentSnapshotChange)
export class CurrentSnapshotChangeResolver {
  @FieldResolver(() => Project)
  async project(@Root() change: CurrentSnapshotChange, @Ctx() ctx: Context): Promise<Project> {
    return (await ctx.loaders.projectById.load(change.projectId))!;
  }

  @FieldResolver(() => Snapshot, { nullable: true, description: 'The current snapshot before the change; null when none was set.' })
  from(@Root() change: CurrentSnapshotChange, @Ctx() ctx: Context): Promise<Snapshot | null> | null {
    return change.fromSnapshotId === null ? null : ctx.loaders.snapshotById.load(change.fromSnapshotId);
  }

  @FieldResolver(() => Snapshot, { nullable: true, description: 'The current snapshot after the change; null when it was cleared.' })
  to(@Root() change: CurrentSnapshotChange, @Ctx() ctx: Context): Promise<Snapshot | null> | null {
    return change.toSnapshotId === null ? null : ctx.loaders.snapshotById.load(change.toSnapshotId);
  }
}
