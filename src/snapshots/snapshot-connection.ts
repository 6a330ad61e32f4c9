import { Field, ObjectType } from 'type-graphql';
import type { SnapshotFilter } from './snapshot.queries';
import { Snapshot } from './snapshot.entity';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

@ObjectType()
export class SnapshotEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Snapshot)
  node!: Snapshot;
}

@ObjectType({ description: 'A page of snapshots, newest first.' })
export class SnapshotConnection {
  @Field(() => [SnapshotEdge])
  edges!: SnapshotEdge[];

  @Field(() => [Snapshot])
  nodes!: Snapshot[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** What the listing counts, for `totalCount`. */
  filter!: SnapshotFilter;
}
