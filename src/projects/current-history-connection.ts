import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from '../snapshots/snapshot-connection';
import { CurrentSnapshotChange } from './current-snapshot-change.entity';

@ObjectType({ description: 'A page of a project\'s current-snapshot changes, newest first.' })
export class CurrentSnapshotChangeConnection {
  @Field(() => [CurrentSnapshotChange])
  nodes!: CurrentSnapshotChange[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Whose history it is, for `totalCount`. */
  projectId!: string;
}
