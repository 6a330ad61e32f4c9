import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'A build\'s hold on a snapshot: while a lease is live, the snapshot does not expire.' })
@Entity('snapshot_lease')
export class SnapshotLease {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'snapshot_lease_pkey' })
  id!: string;

  @Column('uuid', { name: 'snapshot_id' })
  snapshotId!: string;

  @Field(() => String, { description: 'Who holds it, as the scheduler names it (a build or a job; 1 to 255 characters).' })
  @Column('varchar', { length: 255 })
  holder!: string;

  @Field(() => Date)
  @CreateDateColumn({ name: 'date_created', type: 'timestamptz' })
  dateCreated!: Date;

  @Field(() => Date)
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was released; null while not released.' })
  @Column('timestamptz', { name: 'released_at', nullable: true })
  releasedAt!: Date | null;

  /** Not released and not past expiresAt, when it was read (see lease-rules.ts); set by the queries. */
  @Field(() => Boolean, { description: 'Not released and not past expiresAt.' })
  live!: boolean;
}
