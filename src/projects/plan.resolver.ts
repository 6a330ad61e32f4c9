import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { parseId } from '../common/ids';
import { projectRef, text } from '../common/input';
import { type Context, primeLoaders } from '../context';
import { PlanStatus } from './plan-status';
import { Plan } from './plan.entity';
import { Project } from './project.entity';
import { RequiresRole } from '../auth/permissions';

@Resolver(() => Plan)
export class PlanResolver {
  @RequiresRole('admin')
  @Mutation(() => Plan, {
    description: `A new plan of a project (id or slug): a kind of image its snapshots hold, labelled (1 to 128 characters).
ACTIVE plans get an image in each new snapshot; with snapshotPlan, the plan uses that plan's images instead of its own.
A project has at most 1000 plans: CONFLICT beyond.`,
  })
  async createPlan(
    @Ctx() ctx: Context,
    @Arg('project', () => ID) project: string,
    @Arg('label', () => String) label: string,
    @Arg('status', () => PlanStatus, { nullable: true, defaultValue: PlanStatus.ACTIVE }) status: PlanStatus | null,
    @Arg('snapshotPlan', () => ID, { nullable: true }) snapshotPlan?: string | null,
  ): Promise<Plan> {
    const changed = await ctx.services.projects.createPlan(
      projectRef(project),
      text(label, 'label', 1, 128),
      status ?? PlanStatus.ACTIVE,
      snapshotPlan == null ? null : parseId(snapshotPlan, 'snapshotPlan'),
    );
    primeLoaders(ctx.loaders, changed);
    return changed;
  }

  @RequiresRole('admin')
  @Mutation(() => Plan, { description: 'Point a plan at another plan of its project whose images it uses, or pass null to use its own.' })
  async setSnapshotPlan(
    @Ctx() ctx: Context,
    @Arg('plan', () => ID) plan: string,
    @Arg('snapshotPlan', () => ID, { nullable: true }) snapshotPlan?: string | null,
  ): Promise<Plan> {
    const changed = await ctx.services.projects.setSnapshotPlan(
      parseId(plan, 'plan'),
      snapshotPlan == null ? null : parseId(snapshotPlan, 'snapshotPlan'),
    );
    primeLoaders(ctx.loaders, changed);
    return changed;
  }

  @RequiresRole('admin')
  @Mutation(() => Plan, {
    description: 'Turn a plan on (ACTIVE: new snapshots get an image of it) or off (INACTIVE); snapshots made before keep their images.',
  })
  async setPlanStatus(
    @Ctx() ctx: Context,
    @Arg('plan', () => ID) plan: string,
    @Arg('status', () => PlanStatus) status: PlanStatus,
  ): Promise<Plan> {
    const changed = await ctx.services.projects.setPlanStatus(parseId(plan, 'plan'), status);
    primeLoaders(ctx.loaders, changed);
    return changed;
  }

  @FieldResolver(() => Project)
  async project(@Root() plan: Plan, @Ctx() ctx: Context): Promise<Project> {
    return (await ctx.loaders.projectById.load(plan.projectId))!;
  }

  @FieldResolver(() => Plan, {
    nullable: true,
    description: 'The plan of the same project whose images this plan uses instead of its own; null when it uses its own.',
  })
  snapshotPlan(@Root() plan: Plan, @Ctx() ctx: Context): Promise<Plan | null> | null {
    return plan.snapshotPlanId ? ctx.loaders.planById.load(plan.snapshotPlanId) : null;
  }
}
