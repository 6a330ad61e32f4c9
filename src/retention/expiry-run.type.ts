import { Field, ObjectType } from 'type-graphql';
import { Snapshot } from '../snapshots/snapshot.entity';

@ObjectType({ description: 'What one expiry run expired, or with dryRun would have.' })
export class ExpiryRun {
  @Field(() => [Snapshot], { description: 'The snapshots that expired, or would with dryRun, newest first.' })
  expired!: Snapshot[];

  @Field(() => Boolean)
  dryRun!: boolean;
}
