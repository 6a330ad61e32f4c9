import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { parseId } from '../common/ids';
import { text } from '../common/input';
import { type Context, primeLoaders } from '../context';
import { badInput } from '../errors';
import { Snapshot } from '../snapshots/snapshot.entity';
import { requireProject } from '../snapshots/snapshot.resolver';
import { DEFAULT_TTL_SECONDS, HOLDER_LIMITS, ttlRefusal } from './lease-rules';
import { SnapshotLease } from './snapshot-lease.entity';
import { RequiresRole } from '../auth/permissions';

function ttl(ttlSeconds: number | null | undefined): number {
  const value = ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const refusal = ttlRefusal(value);
  if (refusal) throw badInput(refusal, 'ttlSeconds');
  return value;
}

const holderOf = (holder: string): string => text(holder, 'holder', HOLDER_LIMITS.min, HOLDER_LIMITS.max);

function changed(ctx: Context, lease: SnapshotLease): SnapshotLease {
  primeLoaders(ctx.loaders, lease);
  return lease;
}

@Resolver(() => SnapshotLease)
export class LeaseResolver {
  @Query(() => SnapshotLease, { nullable: true, description: 'A lease by id; null when none has that id.' })
  lease(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<SnapshotLease | null> {
    return ctx.loaders.leaseById.load(parseId(id, 'id'));
  }

  @RequiresRole('scheduler')
  @Mutation(() => SnapshotLease, {
    nullable: true,
    description: `Lease the project's current snapshot for a build, in one step with reading it.
Null when none is set; INVALID_TRANSITION when it is not ACTIVE.`,
  })
  async leaseCurrentSnapshot(
    @Ctx() ctx: Context,
    @Arg('project', () => ID) project: string,
    @Arg('holder', () => String) holder: string,
    @Arg('ttlSeconds', () => Int, { nullable: true, defaultValue: DEFAULT_TTL_SECONDS }) ttlSeconds?: number | null,
  ): Promise<SnapshotLease | null> {
    const [h, t] = [holderOf(holder), ttl(ttlSeconds)];
    const lease = await ctx.services.leases.leaseCurrent((await requireProject(ctx, project)).id, h, t);
    return lease && changed(ctx, lease);
  }

  @RequiresRole('scheduler')
  @Mutation(() => SnapshotLease, { description: 'Lease an ACTIVE snapshot that has not expired.' })
  async leaseSnapshot(
    @Ctx() ctx: Context,
    @Arg('snapshot', () => ID) snapshot: string,
    @Arg('holder', () => String) holder: string,
    @Arg('ttlSeconds', () => Int, { nullable: true, defaultValue: DEFAULT_TTL_SECONDS }) ttlSeconds?: number | null,
  ): Promise<SnapshotLease> {
    const id = parseId(snapshot, 'snapshot');
    return changed(ctx, await ctx.services.leases.leaseSnapshot(id, holderOf(holder), ttl(ttlSeconds)));
  }

  @RequiresRole('scheduler')
  @Mutation(() => SnapshotLease, { description: 'Extend a live lease to ttlSeconds from now.' })
  async renewLease(
    @Ctx() ctx: Context,
    @Arg('lease', () => ID) lease: string,
    @Arg('ttlSeconds', () => Int, { nullable: true, defaultValue: DEFAULT_TTL_SECONDS }) ttlSeconds?: number | null,
  ): Promise<SnapshotLease> {
    const id = parseId(lease, 'lease');
    return changed(ctx, await ctx.services.leases.renew(id, ttl(ttlSeconds)));
  }

  @RequiresRole('scheduler')
  @Mutation(() => SnapshotLease, { description: 'Release a lease; releasing it again changes nothing.' })
  async releaseLease(@Ctx() ctx: Context, @Arg('lease', () => ID) lease: string): Promise<SnapshotLease> {
    return changed(ctx, await ctx.services.leases.release(parseId(lease, 'lease')));
  }

  @FieldResolver(() => Snapshot)
  async snapshot(@Root() lease: SnapshotLease, @Ctx() ctx: Context): Promise<Snapshot> {
    return (await ctx.loaders.snapshotById.load(lease.snapshotId))!;
  }
}
