import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'One image of a new snapshot.' })
export class SnapshotImageInput {
  @Field(() => ID, { description: 'The plan the image is built for.' })
  plan!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The job that builds the image, as the scheduler names it: 1 to 255 characters, no control characters; unique across all images.',
  })
  jobId?: string | null;
}
