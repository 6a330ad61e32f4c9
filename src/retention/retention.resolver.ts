import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { type Context, primeLoaders } from '../context';
import { Project } from '../projects/project.entity';
import { Snapshot } from '../snapshots/snapshot.entity';
import { requireProject } from '../snapshots/snapshot.resolver';
import { ExpiryRun } from './expiry-run.type';
import { KeepReason, keepReasons } from './keep-reasons';
import { RetentionPolicyType } from './retention-policy.type';
import { SnapshotLease } from './snapshot-lease.entity';
import { RequiresRole } from '../auth/permissions';

@Resolver(() => Snapshot)
export class SnapshotRetentionResolver {
  @FieldResolver(() => [SnapshotLease], { description: 'Its live leases, oldest first.' })
  leases(@Root() snapshot: Snapshot, @Ctx() ctx: Context): Promise<SnapshotLease[]> {
    return ctx.loaders.liveLeasesBySnapshot.load(snapshot.id);
  }

  @FieldResolver(() => [KeepReason], { description: 'Why it is kept now; empty when nothing keeps it (and once it has expired).' })
  async keptBecause(@Root() snapshot: Snapshot, @Ctx() ctx: Context): Promise<KeepReason[]> {
    const keep = await ctx.loaders.keepBySnapshot.load(snapshot.id);
    return keep ? keepReasons(keep.facts, keep.policy) : [];
  }
}

@Resolver(() => Project)
export class ProjectRetentionResolver {
  @FieldResolver(() => RetentionPolicyType)
  retention(@Root() project: Project): RetentionPolicyType {
    return { keepActive: project.keepActive, keepDays: project.keepDays, keepHistory: project.keepHistory };
  }

  @RequiresRole('admin')
  @Mutation(() => Project, { description: 'Set which snapshots of the project are kept besides those in use.' })
  async setRetentionPolicy(
    @Ctx() ctx: Context,
    @Arg('project', () => ID) project: string,
    @Arg('keepActive', () => Int) keepActive: number,
    @Arg('keepDays', () => Int) keepDays: number,
    @Arg('keepHistory', () => Int) keepHistory: number,
  ): Promise<Project> {
    const { id } = await requireProject(ctx, project);
    const changed = await ctx.services.expiry.setPolicy(id, { keepActive, keepDays, keepHistory });
    primeLoaders(ctx.loaders, changed);
    return changed;
  }

  @RequiresRole('admin')
  @Mutation(() => ExpiryRun, {
    description: `Expire every snapshot of the project (id or slug), or of every project, that
nothing keeps. With dryRun, change nothing and say what would expire.`,
  })
  async expireSnapshots(
    @Ctx() ctx: Context,
    @Arg('project', () => ID, { nullable: true }) project?: string | null,
    @Arg('dryRun', () => Boolean, { nullable: true, defaultValue: false }) dryRun?: boolean | null,
  ): Promise<ExpiryRun> {
    const projectId = project == null ? null : (await requireProject(ctx, project)).id;
    const expired = await ctx.services.expiry.expire(projectId, dryRun ?? false);
    if (!dryRun) primeLoaders(ctx.loaders, ...expired);
    return { expired, dryRun: dryRun ?? false };
  }
}
