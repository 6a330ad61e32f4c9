import { Field, Int, ObjectType } from 'type-graphql';
import type { RetentionPolicy } from './keep-reasons';

@ObjectType('RetentionPolicy', { description: 'Which snapshots of a project are kept besides those in use.' })
export class RetentionPolicyType implements RetentionPolicy {
  @Field(() => Int, { description: 'Keep the newest this many ACTIVE snapshots (0 to 1000).' })
  keepActive!: number;

  @Field(() => Int, { description: 'Keep every snapshot created less than this many days ago (0 to 3650).' })
  keepDays!: number;

  @Field(() => Int, { description: 'Keep the snapshots that were the last this many values of the current snapshot (0 to 100).' })
  keepHistory!: number;
}
