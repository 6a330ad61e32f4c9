import { badInput, conflict, notFound } from '../errors';
import type { EntityRow } from '../database/entity-rows';
import { uniqueViolation } from '../database/pg-errors';
import { type Db, sql } from '../database/sql';
import { planStatusCodes } from '../database/status-codes';
import type { Tables } from '../database/tables';
import type { PlanStatus } from './plan-status';
import type { Plan } from './plan.entity';
import type { Project } from './project.entity';
import { type ProjectQueries, matchProject } from './project.queries';
import { snapshotPlanRefusal } from './snapshot-plan';
import { DATA_LIMITS } from '../limits/data-limits';

/**
 * Changes to projects and plans. Changes to which plan uses whose images lock
 * the project row first, so that two of them at once cannot build a chain.
 * Each returns the row it changed, as it is now.
 */
export class ProjectService {
  constructor(
    private readonly db: Db,
    private readonly t: Tables,
    private readonly queries: ProjectQueries,
  ) {}

  async createProject(slug: string, name: string): Promise<Project> {
    try {
      return this.t.project.hydrate(
        await this.db.one(sql<EntityRow>`INSERT INTO project (slug, name) VALUES (${slug}, ${name})
          RETURNING ${this.t.project.selectList('project')}`),
      );
    } catch (err) {
      if (uniqueViolation(err) === 'project_slug_key') throw conflict(`A project with slug "${slug}" already exists`);
      throw err;
    }
  }

  private async lockProject(tx: Db, ref: string): Promise<Project> {
    const project = matchProject(await this.queries.projectsByRef(tx, [ref], 'forUpdate'), ref);
    if (!project) throw notFound('project', ref);
    return project;
  }

  private async plan(tx: Db, id: string): Promise<Plan> {
    const [plan] = await this.t.plan.byIds(tx, [id]);
    if (!plan) throw notFound('plan', id);
    return plan;
  }

  async createPlan(projectRef: string, label: string, status: PlanStatus, snapshotPlanId: string | null): Promise<Plan> {
    return this.db.transaction(async (tx) => {
      const project = await this.lockProject(tx, projectRef);
      const { plans } = await tx.one(sql<{ plans: number }>`SELECT count(*)::int AS plans FROM plan WHERE project_id = ${project.id}`);
      if (plans >= DATA_LIMITS.plansPerProject) {
        throw conflict(`Project ${project.slug} already has ${plans} plans, the most a project may have`);
      }
      if (snapshotPlanId !== null) {
        const lender = await this.plan(tx, snapshotPlanId);
        const refusal = snapshotPlanRefusal({ id: '', projectId: project.id, snapshotPlanId }, lender, false);
        if (refusal) throw badInput(refusal, 'snapshotPlan');
      }
      const row = await tx.one(
        sql<EntityRow>`INSERT INTO plan (project_id, label, status, snapshot_plan_id)
          VALUES (${project.id}, ${label}, ${planStatusCodes.encode(status)}, ${snapshotPlanId})
          RETURNING ${this.t.plan.selectList('plan')}`,
      );
      return this.t.plan.hydrate(row);
    });
  }

  async setSnapshotPlan(planId: string, snapshotPlanId: string | null): Promise<Plan> {
    return this.db.transaction(async (tx) => {
      const unlocked = await this.plan(tx, planId);
      await this.lockProject(tx, unlocked.projectId);
      const plan = await this.plan(tx, planId);
      if (plan.snapshotPlanId === snapshotPlanId) return plan;
      if (snapshotPlanId !== null) {
        const lender = await this.plan(tx, snapshotPlanId);
        const borrower = await tx.maybeOne(sql`SELECT 1 FROM plan WHERE snapshot_plan_id = ${plan.id} LIMIT 1`);
        const refusal = snapshotPlanRefusal(plan, lender, borrower !== null);
        if (refusal) throw badInput(refusal, 'snapshotPlan');
      }
      await tx.exec(sql`UPDATE plan SET snapshot_plan_id = ${snapshotPlanId} WHERE id = ${plan.id}`);
      plan.snapshotPlanId = snapshotPlanId;
      return plan;
    });
  }

  async setPlanStatus(planId: string, status: PlanStatus): Promise<Plan> {
    const row = await this.db.maybeOne(
      sql<EntityRow>`UPDATE plan SET status = ${planStatusCodes.encode(status)} WHERE id = ${planId}
        RETURNING ${this.t.plan.selectList('plan')}`,
    );
    if (!row) throw notFound('plan', planId);
    return this.t.plan.hydrate(row);
  }
}
