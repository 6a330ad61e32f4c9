import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf } from '../auth/caller';
import { parseId } from '../common/ids';
import { atMost, projectRef, schedulerId, text } from '../common/input';
import { optionalReason } from '../common/reason';
import { type Context, primeLoaders } from '../context';
import { notFound } from '../errors';
import { DATA_LIMITS } from '../limits/data-limits';
import { Project } from '../projects/project.entity';
import { SnapshotConnection } from './snapshot-connection';
import { SnapshotImageInput } from './snapshot-image.input';
import { SnapshotImage } from './snapshot-image.entity';
import { SnapshotStatus } from './snapshot-lifecycle';
import { listSnapshots, lookAhead } from './snapshot-listing';
import { SnapshotState } from './snapshot-state';
import { Snapshot } from './snapshot.entity';
import { RequiresRole } from '../auth/permissions';

/** The project a reference names; NOT_FOUND when none. */
export async function requireProject(ctx: Context, ref: string, argument = 'project'): Promise<Project> {
  const project = await ctx.loaders.projectByRef.load(projectRef(ref, argument));
  if (!project) throw notFound('project', ref);
  return project;
}

@Resolver(() => Snapshot)
export class SnapshotResolver {
  @Query(() => Snapshot, { nullable: true, description: 'A snapshot by id; null when none has that id.' })
  snapshot(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Snapshot | null> {
    return ctx.loaders.snapshotById.load(parseId(id, 'id'));
  }

  @Query(() => Snapshot, { nullable: true, description: 'The current snapshot of a project given by id or slug; null when none is set.' })
  async currentSnapshot(@Ctx() ctx: Context, @Arg('project', () => ID) project: string): Promise<Snapshot | null> {
    const found = await ctx.services.snapshotQueries.currentOfProject(ctx.services.db, projectRef(project));
    if (!found) throw notFound('project', project);
    primeLoaders(ctx.loaders, found.project, found.snapshot);
    return found.snapshot;
  }

  @Query(() => SnapshotConnection, {
    description: 'Snapshots, newest first, of one project (id or slug) or of all. VALID leaves out INVALIDATED and expired snapshots.',
  })
  async snapshots(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('project', () => ID, { nullable: true }) project: string | null,
    @Arg('state', () => SnapshotState, { nullable: true, defaultValue: SnapshotState.VALID }) state: SnapshotState | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<SnapshotConnection> {
    const projectId = project == null ? null : (await requireProject(ctx, project)).id;
    const { snapshotQueries, db } = ctx.services;
    return listSnapshots(snapshotQueries, db, { projectId, state: state ?? SnapshotState.VALID }, first ?? 20, after, lookAhead(info, ctx.loaders));
  }

  @RequiresRole('scheduler')
  @Mutation(() => Snapshot, {
    description: `Start a snapshot: PENDING, with one UNKNOWN image for each given plan; when images is omitted,
one for each ACTIVE plan of the project that has no snapshotPlan. The same buildId again returns the snapshot it made. At most 1000 images (one per plan).`,
  })
  async createSnapshot(
    @Ctx() ctx: Context,
    @Arg('project', () => ID) project: string,
    @Arg('buildId', () => ID, {
      nullable: true,
      description: 'The scheduler\'s id of the build: 1 to 255 characters, no control characters (a UUID in any case, with or without dashes, is one id).',
    })
    buildId?: string | null,
    @Arg('revision', () => String, { nullable: true }) revision?: string | null,
    @Arg('images', () => [SnapshotImageInput], { nullable: true }) images?: SnapshotImageInput[] | null,
  ): Promise<Snapshot> {
    const created = await ctx.services.snapshots.create(actorOf(ctx.caller), {
      projectRef: projectRef(project),
      buildId: buildId == null ? null : schedulerId(buildId, 'buildId'),
      revision: revision == null ? null : text(revision, 'revision', 0, 255),
      images:
        images == null
          ? null
          : atMost(images, 'images', DATA_LIMITS.imagesPerSnapshot, 'entries (one per plan, and a project has at most 1000 plans)').map((i) => ({
              planId: parseId(i.plan, 'images.plan'),
              jobId: i.jobId == null ? null : schedulerId(i.jobId, 'images.jobId'),
            })),
    });
    primeLoaders(ctx.loaders, created);
    return created;
  }

  @RequiresRole('scheduler')
  @Mutation(() => Snapshot, { description: 'Set a snapshot\'s own status; ACTIVE only when all its images are ACTIVE.' })
  async changeSnapshotStatus(
    @Ctx() ctx: Context,
    @Arg('snapshot', () => ID) snapshot: string,
    @Arg('status', () => SnapshotStatus) status: SnapshotStatus,
    @Arg('reason', () => String, { nullable: true }) reason?: string | null,
  ): Promise<Snapshot> {
    const changed = await ctx.services.snapshots.changeSnapshotStatus(parseId(snapshot, 'snapshot'), status, {
      actor: actorOf(ctx.caller),
      reason: optionalReason(reason),
    });
    primeLoaders(ctx.loaders, changed);
    return changed;
  }

  @RequiresRole('scheduler')
  @Mutation(() => Snapshot, {
    nullable: true,
    description: `The snapshot build with this id has finished. When it did not pass, its snapshot
becomes INVALIDATED if it was ACTIVE, else FAILED. Null when no snapshot has that build.`,
  })
  async snapshotBuildFinished(
    @Ctx() ctx: Context,
    @Arg('build', () => ID, { description: 'The buildId the snapshot was created with.' }) build: string,
    @Arg('passed', () => Boolean) passed: boolean,
  ): Promise<Snapshot | null> {
    const changed = await ctx.services.snapshots.buildFinished(schedulerId(build, 'build'), passed, actorOf(ctx.caller));
    primeLoaders(ctx.loaders, changed);
    return changed;
  }

  @FieldResolver(() => Project)
  async project(@Root() snapshot: Snapshot, @Ctx() ctx: Context): Promise<Project> {
    return (await ctx.loaders.projectById.load(snapshot.projectId))!;
  }

  @FieldResolver(() => Boolean, { description: 'True when this snapshot is its project\'s current snapshot.' })
  isCurrent(@Root() snapshot: Snapshot, @Ctx() ctx: Context): boolean | Promise<boolean> {
    if (snapshot.currentWhenRead !== undefined) return snapshot.currentWhenRead;
    return ctx.loaders.projectById.load(snapshot.projectId).then((project) => project?.currentSnapshotId === snapshot.id);
  }

  @FieldResolver(() => [SnapshotImage], { description: 'One image per plan, oldest first.' })
  images(@Root() snapshot: Snapshot, @Ctx() ctx: Context): SnapshotImage[] | Promise<SnapshotImage[]> {
    return snapshot.imagesWhenRead ?? ctx.loaders.imagesBySnapshot.load(snapshot.id);
  }
}

@Resolver(() => SnapshotConnection)
export class SnapshotConnectionResolver {
  @FieldResolver(() => Int, { description: 'How many snapshots the listing has in all pages.' })
  totalCount(@Root() connection: SnapshotConnection, @Ctx() ctx: Context): Promise<number> {
    const { projectId, state } = connection.filter;
    if (projectId !== null) return ctx.loaders.snapshotCountOfProject.load({ projectId, state });
    return ctx.services.snapshotQueries.count(ctx.services.db, connection.filter);
  }
}
