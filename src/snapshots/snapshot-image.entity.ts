import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { snapshotStatusCodes } from '../database/status-codes';
import type { Plan } from '../projects/plan.entity';
import { SnapshotStatus } from './snapshot-lifecycle';

@ObjectType({ description: 'The container image of one plan in a snapshot.' })
@Entity('snapshot_image')
@Unique('snapshot_image_snapshot_plan_key', ['snapshotId', 'planId'])
@Unique('snapshot_image_job_id_key', ['jobId'])
export class SnapshotImage {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'snapshot_image_pkey' })
  id!: string;

  @Column('uuid', { name: 'snapshot_id' })
  snapshotId!: string;

  @Column('uuid', { name: 'plan_id' })
  planId!: string;

  @Field(() => SnapshotStatus)
  @Column('smallint', { transformer: snapshotStatusCodes.column })
  status!: SnapshotStatus;

  @Field(() => Date)
  @CreateDateColumn({ name: 'date_created', type: 'timestamptz' })
  dateCreated!: Date;

  @Field(() => ID, {
    nullable: true,
    description: 'The job that builds this image, as the scheduler named it (a UUID comes back lower case with dashes).',
  })
  @Column('varchar', { name: 'job_id', length: 255, nullable: true })
  jobId!: string | null;

  /**
   * Its plan, when read with it (`SnapshotQueries.imagesWithPlans`, the
   * images a loader reads for `Snapshot.images`); unset when read otherwise.
   * `plan` answers from it without a loader round, a promise per image fewer.
   */
  planWhenRead?: Plan;
}
