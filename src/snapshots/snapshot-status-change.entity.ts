import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { snapshotStatusCodes } from '../database/status-codes';
import { SnapshotStatus } from './snapshot-lifecycle';

/**
 * One change of a snapshot's own status, written in the transaction that made
 * it and never changed after; `id` orders a snapshot's changes.
 */
@ObjectType({ description: 'One change of a snapshot\'s own status. Kept for good; never edited.' })
@Entity('snapshot_status_change')
@Index('snapshot_status_change_snapshot_idx', ['snapshotId', 'id'])
export class SnapshotStatusChange {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'snapshot_status_change_pkey' })
  id!: string;

  @Column('uuid', { name: 'snapshot_id' })
  snapshotId!: string;

  @Field(() => SnapshotStatus)
  @Column('smallint', { name: 'from_status', transformer: snapshotStatusCodes.column })
  from!: SnapshotStatus;

  @Field(() => SnapshotStatus)
  @Column('smallint', { name: 'to_status', transformer: snapshotStatusCodes.column })
  to!: SnapshotStatus;

  @Field(() => String, { description: 'The name of the token whose request made the change.' })
  @Column('varchar', { length: 64 })
  actor!: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  reason!: string | null;

  /** The image whose change moved the snapshot, when one did. */
  @Column('uuid', { name: 'image_id', nullable: true })
  imageId!: string | null;

  @Field(() => Date)
  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;
}
