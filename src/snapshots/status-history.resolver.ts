import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { SnapshotImage } from './snapshot-image.entity';
import { SnapshotStatusChange } from './snapshot-status-change.entity';
import { Snapshot } from './snapshot.entity';

@Resolver(() => Snapshot)
export class StatusHistoryResolver {
  @FieldResolver(() => [SnapshotStatusChange], {
    description: 'Every change of this snapshot\'s own status, oldest first; the first is UNKNOWN to PENDING, at creation.',
  })
  statusHistory(@Root() snapshot: Snapshot, @Ctx() ctx: Context): Promise<SnapshotStatusChange[]> {
    return ctx.loaders.statusHistoryBySnapshot.load(snapshot.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The reason given with the change that made the snapshot what it is now; null when none was given.',
  })
  async statusReason(@Root() snapshot: Snapshot, @Ctx() ctx: Context): Promise<string | null> {
    const history = await ctx.loaders.statusHistoryBySnapshot.load(snapshot.id);
    const last = history.at(-1);
    return last?.to === snapshot.status ? last.reason : null;
  }
}

@Resolver(() => SnapshotStatusChange)
export class SnapshotStatusChangeResolver {
  @FieldResolver(() => SnapshotImage, { nullable: true, description: 'The image whose change moved the snapshot, when one did.' })
  image(@Root() change: SnapshotStatusChange, @Ctx() ctx: Context): Promise<SnapshotImage | null> | null {
    return change.imageId === null ? null : ctx.loaders.imageById.load(change.imageId);
  }
}
