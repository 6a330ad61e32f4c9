import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { currentChangeKindCodes } from '../database/status-codes';
import { CurrentChangeKind } from './current-change-kind';

/**
 * One change of a project's current snapshot, written in the transaction that
 * made it and never changed after. `version` is the project's currentVersion
 * that the change made: 1, 2, 3... with no gaps.
 */
@ObjectType({ description: 'One change of a project\'s current snapshot. Kept for good; never edited.' })
@Entity('current_snapshot_change')
@Unique('current_snapshot_change_project_version_key', ['projectId', 'version'])
export class CurrentSnapshotChange {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'current_snapshot_change_pkey' })
  id!: string;

  @Column('uuid', { name: 'project_id' })
  projectId!: string;

  @Field(() => Int, { description: 'The project\'s currentVersion that this change made (1 for the first change).' })
  @Column('int')
  version!: number;

  @Field(() => CurrentChangeKind)
  @Column('smallint', { transformer: currentChangeKindCodes.column })
  kind!: CurrentChangeKind;

  /** The current snapshot before the change; null when none was set. */
  @Column('uuid', { name: 'from_snapshot_id', nullable: true })
  fromSnapshotId!: string | null;

  /** The current snapshot after the change; null when it was cleared. */
  @Column('uuid', { name: 'to_snapshot_id', nullable: true })
  toSnapshotId!: string | null;

  /** Computed when read, from the two snapshots' creation times (not a column). */
  @Field(() => Boolean, { description: 'True when both are set and `to` was created before `from`: a move back in time.' })
  downgrade!: boolean;

  @Field(() => String, { description: 'The name of the token that made the change.' })
  @Column('varchar', { length: 64 })
  actor!: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  reason!: string | null;

  @Field(() => Date)
  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;
}
