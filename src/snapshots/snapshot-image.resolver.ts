import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf } from '../auth/caller';
import { parseId } from '../common/ids';
import { optionalReason } from '../common/reason';
import { type Context, primeLoaders } from '../context';
import { notFound } from '../errors';
import { Plan } from '../projects/plan.entity';
import { imagePlanId } from '../projects/snapshot-plan';
import { SnapshotImage } from './snapshot-image.entity';
import { SnapshotStatus } from './snapshot-lifecycle';
import { Snapshot } from './snapshot.entity';
import { RequiresRole } from '../auth/permissions';

@Resolver(() => SnapshotImage)
export class SnapshotImageResolver {
  @Query(() => SnapshotImage, { nullable: true, description: 'A snapshot image by id; null when none has that id.' })
  image(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<SnapshotImage | null> {
    return ctx.loaders.imageById.load(parseId(id, 'id'));
  }

  @Query(() => SnapshotImage, {
    nullable: true,
    description: `The image that a plan uses in a snapshot: the image of the plan's snapshotPlan
when it has one, else its own; null when the snapshot has no such image.`,
  })
  async snapshotImage(
    @Ctx() ctx: Context,
    @Arg('plan', () => ID) planRef: string,
    @Arg('snapshot', () => ID) snapshotRef: string,
  ): Promise<SnapshotImage | null> {
    const planId = parseId(planRef, 'plan');
    const snapshotId = parseId(snapshotRef, 'snapshot');
    const [plan, snapshot] = await Promise.all([
      ctx.loaders.planById.load(planId),
      ctx.loaders.snapshotById.load(snapshotId),
    ]);
    if (!plan) throw notFound('plan', planRef);
    if (!snapshot) throw notFound('snapshot', snapshotRef);
    return ctx.services.snapshotQueries.imageOfPlan(ctx.services.db, snapshot.id, imagePlanId(plan));
  }

  @RequiresRole('scheduler')
  @Mutation(() => SnapshotImage, { description: 'Set one image\'s status, and its snapshot\'s status with it.' })
  async changeImageStatus(
    @Ctx() ctx: Context,
    @Arg('image', () => ID) image: string,
    @Arg('status', () => SnapshotStatus) status: SnapshotStatus,
    @Arg('reason', () => String, { nullable: true }) reason?: string | null,
  ): Promise<SnapshotImage> {
    const changed = await ctx.services.snapshots.changeImageStatus(parseId(image, 'image'), status, {
      actor: actorOf(ctx.caller),
      reason: optionalReason(reason),
    });
    primeLoaders(ctx.loaders, changed.snapshot, changed.image);
    return changed.image;
  }

  @FieldResolver(() => Snapshot)
  async snapshot(@Root() image: SnapshotImage, @Ctx() ctx: Context): Promise<Snapshot> {
    return (await ctx.loaders.snapshotById.load(image.snapshotId))!;
  }

  @FieldResolver(() => Plan)
  plan(@Root() image: SnapshotImage, @Ctx() ctx: Context): Plan | Promise<Plan> {
    return image.planWhenRead ?? ctx.loaders.planById.load(image.planId).then((plan) => plan!);
  }
}
