import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

@ObjectType({ description: 'A code base whose builds run on snapshots.' })
@Entity('project')
@Unique('project_slug_key', ['slug'])
export class Project {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'project_pkey' })
  id!: string;

  @Field(() => String, { description: 'Unique, URL-friendly name: a-z, 0-9 and "-".' })
  @Column('varchar', { length: 64 })
  slug!: string;

  @Field(() => String)
  @Column('varchar', { length: 64 })
  name!: string;

  @Field(() => Date)
  @CreateDateColumn({ name: 'date_created', type: 'timestamptz' })
  dateCreated!: Date;

  /** The snapshot builds use now; a deleted snapshot is never current (ON DELETE SET NULL). */
  @Column('uuid', { name: 'current_snapshot_id', nullable: true })
  currentSnapshotId!: string | null;

  @Field(() => Int, { description: 'Grows by one with every change of the current snapshot; 0 before the first.' })
  @Column('int', { name: 'current_version', default: 0 })
  currentVersion!: number;

  /** Retention policy (see src/retention/keep-reasons.ts): keep the newest this many ACTIVE snapshots. */
  @Column('integer', { name: 'keep_active', default: 10 })
  keepActive!: number;

  /** Keep snapshots created less than this many days ago. */
  @Column('integer', { name: 'keep_days', default: 30 })
  keepDays!: number;

  /** Keep the snapshots made current by the last this many current-snapshot changes. */
  @Column('integer', { name: 'keep_history', default: 5 })
  keepHistory!: number;
}
