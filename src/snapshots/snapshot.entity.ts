import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { snapshotStatusCodes } from '../database/status-codes';
import type { SnapshotImage } from './snapshot-image.entity';
import { SnapshotStatus } from './snapshot-lifecycle';

@ObjectType({ description: 'A set of container images of a project\'s build environment, one per plan.' })
@Entity('snapshot')
@Unique('snapshot_build_id_key', ['buildId'])
@Unique('snapshot_id_project_key', ['id', 'projectId'])
export class Snapshot {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'snapshot_pkey' })
  id!: string;

  @Column('uuid', { name: 'project_id' })
  projectId!: string;

  @Field(() => SnapshotStatus)
  @Column('smallint', { transformer: snapshotStatusCodes.column })
  status!: SnapshotStatus;

  @Field(() => Date)
  @CreateDateColumn({ name: 'date_created', type: 'timestamptz' })
  dateCreated!: Date;

  @Field(() => ID, {
    nullable: true,
    description: 'The build that produces this snapshot, as the scheduler named it (a UUID comes back lower case with dashes).',
  })
  @Column('varchar', { name: 'build_id', length: 255, nullable: true })
  buildId!: string | null;

  @Field(() => String, { nullable: true, description: 'The source revision the snapshot is built from.' })
  @Column('varchar', { length: 255, nullable: true })
  revision!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the snapshot expired, after which its images may be deleted; null while kept.' })
  @Column('timestamptz', { name: 'expired_at', nullable: true })
  expiredAt!: Date | null;

  /**
   * Whether it was its project's current snapshot, when read by a listing
   * (`SnapshotQueries.page`); unset when read otherwise. `isCurrent` answers
   * from it without a loader round, a promise per snapshot fewer.
   */
  currentWhenRead?: boolean;

  /**
   * Its images (each with `planWhenRead`), when a listing read them with the
   * page because the query asks for them (`SnapshotQueries.page`); unset
   * otherwise. `images` answers from it without a loader round.
   */
  imagesWhenRead?: SnapshotImage[];
}
