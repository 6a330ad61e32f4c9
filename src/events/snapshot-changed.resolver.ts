import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { Context, Loaders } from '../context';
import { freshLoaders } from '../context';
import { Snapshot } from '../snapshots/snapshot.entity';
import { requireProject } from '../snapshots/snapshot.resolver';
import { ChangeQueue } from './change-queue';
import type { SnapshotChange } from './snapshot-change';

/**
 * New loaders for each change, shared by every subscription of this instance
 * that delivers that change (the feed hands them all the same change object):
 * a change watched by n subscribers here reads its snapshot, project and
 * images once instead of n times. Without this, 1,000 subscribers over 3
 * instances at 50 changes a second starved each instance's pool (bench:
 * subscriptions at scale).
 */
const loadersOfChange = new WeakMap<SnapshotChange, Loaders>();

function loadersFor(ctx: Context, change: SnapshotChange): Loaders {
  let loaders = loadersOfChange.get(change);
  if (!loaders) loadersOfChange.set(change, (loaders = freshLoaders(ctx.services)));
  return loaders;
}

/**
 * The snapshots a subscription delivers: each change read from the database
 * when its turn comes, with new loaders (`loadersFor`), so that every event
 * shows the state after the change and nothing cached from the one before.
 * A failed read ends the subscription with that error (masked and logged
 * unless it is the client's to see), its queue closed.
 */
async function changedSnapshots(ctx: Context, projectRef: string | null | undefined): Promise<AsyncIterableIterator<Snapshot>> {
  const projectId = projectRef == null ? null : (await requireProject(ctx, projectRef)).id;
  const feed = ctx.services.feed;
  const changes = new ChangeQueue(feed, (c) => projectId === null || c.projectId === projectId, feed.bounds.maxQueue);
  const next = async (): Promise<IteratorResult<Snapshot>> => {
    for (;;) {
      const step = await changes.next();
      if (step.done) return step;
      ctx.loaders = loadersFor(ctx, step.value);
      let snapshot: Snapshot | null | undefined;
      try {
        snapshot = await ctx.loaders.snapshotById.load(step.value.snapshotId);
      } catch (err) {
        // The subscription ends with this error; `for await` will not call return() after it.
        await changes.return();
        throw err;
      }
      if (snapshot) return { value: snapshot, done: false };
    }
  };
  const iterator: AsyncIterableIterator<Snapshot> = {
    next,
    return: async () => (await changes.return(), { value: undefined, done: true }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

@Resolver(() => Snapshot)
export class SnapshotChangedResolver {
  @Subscription(() => Snapshot, {
    description: `A snapshot of the project (id or slug), or of any project when none is given,
changed: its status, an image's status, or whether it is current; also sent when a snapshot is created.`,
    subscribe: ({ args, context }) => changedSnapshots(context as Context, (args as { project?: string | null }).project),
  })
  snapshotChanged(
    @Root() snapshot: Snapshot,
    @Arg('project', () => ID, { nullable: true }) _project?: string | null,
  ): Snapshot {
    return snapshot;
  }
}
