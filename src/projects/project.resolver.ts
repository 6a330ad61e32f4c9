import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { parseId } from '../common/ids';
import { slug, text } from '../common/input';
import { type Context, primeLoaders } from '../context';
import { badInput } from '../errors';
import { SnapshotConnection } from '../snapshots/snapshot-connection';
import { listProjectSnapshots, lookAhead } from '../snapshots/snapshot-listing';
import { SnapshotState } from '../snapshots/snapshot-state';
import { Snapshot } from '../snapshots/snapshot.entity';
import { Plan } from './plan.entity';
import { Project } from './project.entity';
import { RequiresRole } from '../auth/permissions';

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => [Project], { description: 'Every project, by slug.' })
  projects(@Ctx() ctx: Context): Promise<Project[]> {
    return ctx.services.projectQueries.allProjects(ctx.services.db);
  }

  @Query(() => Project, { nullable: true, description: 'A project by id or by slug (exactly one of the two); null when none matches.' })
  async project(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('slug', () => String, { nullable: true }) projectSlug?: string | null,
  ): Promise<Project | null> {
    if ((id == null) === (projectSlug == null)) throw badInput('Give exactly one of "id" and "slug"');
    if (id != null) return ctx.loaders.projectById.load(parseId(id, 'id'));
    return ctx.loaders.projectByRef.load(slug(projectSlug!));
  }

  @RequiresRole('admin')
  @Mutation(() => Project, {
    description: 'A new project, with no plans yet. The slug (1 to 64 of a-z, 0-9 and "-") names it in URLs and arguments; CONFLICT when taken.',
  })
  async createProject(
    @Ctx() ctx: Context,
    @Arg('slug', () => String) projectSlug: string,
    @Arg('name', () => String) name: string,
  ): Promise<Project> {
    const created = await ctx.services.projects.createProject(slug(projectSlug), text(name, 'name', 1, 64));
    primeLoaders(ctx.loaders, created);
    return created;
  }

  @FieldResolver(() => [Plan], { description: 'The project\'s plans, oldest first.' })
  plans(@Root() project: Project, @Ctx() ctx: Context): Promise<Plan[]> {
    return ctx.loaders.plansByProject.load(project.id);
  }

  @FieldResolver(() => Snapshot, { nullable: true, description: 'The snapshot that builds of this project use now; null when none is set.' })
  async currentSnapshot(@Root() project: Project, @Ctx() ctx: Context): Promise<Snapshot | null> {
    return project.currentSnapshotId ? ctx.loaders.snapshotById.load(project.currentSnapshotId) : null;
  }

  @FieldResolver(() => SnapshotConnection, { description: 'The project\'s snapshots, newest first.' })
  snapshots(
    @Root() project: Project,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('state', () => SnapshotState, { nullable: true, defaultValue: SnapshotState.ALL }) state: SnapshotState | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<SnapshotConnection> {
    return listProjectSnapshots(ctx.loaders, { projectId: project.id, state: state ?? SnapshotState.ALL }, first ?? 20, after, lookAhead(info, ctx.loaders));
  }
}
