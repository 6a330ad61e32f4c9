import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';
import { PLAN_STATUS_CODE, PlanStatus } from './plan-status';

const planStatusColumn: ValueTransformer = {
  to: (status: PlanStatus | undefined) => (status === undefined ? undefined : PLAN_STATUS_CODE[status]),
  from: (code: number) => (code === PLAN_STATUS_CODE.ACTIVE ? PlanStatus.ACTIVE : PlanStatus.INACTIVE),
};

@ObjectType({ description: 'A kind of build of a project; a snapshot has at most one image per plan.' })
@Entity('plan')
export class Plan {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'project_id' })
  projectId!: string;

  @Field(() => String)
  @Column('varchar', { length: 128 })
  label!: string;

  @Field(() => PlanStatus)
  @Column('smallint', { transformer: planStatusColumn })
  status!: PlanStatus;

  @Column('uuid', { name: 'snapshot_plan_id', nullable: true })
  snapshotPlanId!: string | null;

  @Field(() => Date)
  @CreateDateColumn({ name: 'date_created', type: 'timestamptz' })
  dateCreated!: Date;
}
