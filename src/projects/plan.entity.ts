import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { planStatusCodes } from '../database/status-codes';
import { PlanStatus } from './plan-status';

@ObjectType({ description: 'A kind of build of a project; a snapshot has at most one image per plan.' })
@Entity('plan')
export class Plan {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'plan_pkey' })
  id!: string;

  @Column('uuid', { name: 'project_id' })
  projectId!: string;

  @Field(() => String)
  @Column('varchar', { length: 128 })
  label!: string;

  @Field(() => PlanStatus)
  @Column('smallint', { transformer: planStatusCodes.column })
  status!: PlanStatus;

  @Column('uuid', { name: 'snapshot_plan_id', nullable: true })
  snapshotPlanId!: string | null;

  @Field(() => Date)
  @CreateDateColumn({ name: 'date_created', type: 'timestamptz' })
  dateCreated!: Date;
}
