import type { DataSource, EntityManager } from 'typeorm';
import { badInput, conflict, notFound } from '../errors';
import { uniqueViolation } from '../database/pg-errors';
import type { Tables } from '../database/tables';
import { PLAN_STATUS_CODE, type PlanStatus } from './plan-status';
import type { Plan } from './plan.entity';
import type { Project } from './project.entity';
import { type ProjectQueries, matchProject } from './project.queries';
import { snapshotPlanRefusal } from './snapshot-plan';

/**
 * Changes to projects and plans. Changes to which plan uses whose images lock
 * the project row first, so that two of them at once cannot build a chain.
 */
export class ProjectService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly t: Tables,
    private readonly queries: ProjectQueries,
  ) {}

  async createProject(slug: string, name: string): Promise<Project> {
    try {
      const [row] = await this.dataSource.query(
        `INSERT INTO project (slug, name) VALUES ($1, $2) RETURNING ${this.t.project.select('project')}`,
        [slug, name],
      );
      return this.t.project.hydrate(row);
    } catch (err) {
      if (uniqueViolation(err) === 'project_slug_key') throw conflict(`A project with slug "${slug}" already exists`);
      throw err;
    }
  }

  private async lockProject(em: EntityManager, ref: string): Promise<Project> {
    const project = matchProject(await this.queries.projectsByRef(em, [ref], 'FOR UPDATE'), ref);
    if (!project) throw notFound('project', ref);
    return project;
  }

  private async plan(em: EntityManager, id: string): Promise<Plan> {
    const [plan] = await this.queries.plansById(em, [id]);
    if (!plan) throw notFound('plan', id);
    return plan;
  }

  async createPlan(projectRef: string, label: string, status: PlanStatus, snapshotPlanId: string | null): Promise<Plan> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.lockProject(em, projectRef);
      if (snapshotPlanId !== null) {
        const lender = await this.plan(em, snapshotPlanId);
        const refusal = snapshotPlanRefusal({ id: '', projectId: project.id, snapshotPlanId }, lender, false);
        if (refusal) throw badInput(refusal, 'snapshotPlan');
      }
      const [row] = await em.query(
        `INSERT INTO plan (project_id, label, status, snapshot_plan_id) VALUES ($1, $2, $3, $4)
         RETURNING ${this.t.plan.select('plan')}`,
        [project.id, label, PLAN_STATUS_CODE[status], snapshotPlanId],
      );
      return this.t.plan.hydrate(row);
    });
  }

  async setSnapshotPlan(planId: string, snapshotPlanId: string | null): Promise<Plan> {
    return this.dataSource.transaction(async (em) => {
      const unlocked = await this.plan(em, planId);
      await this.lockProject(em, unlocked.projectId);
      const plan = await this.plan(em, planId);
      if (plan.snapshotPlanId === snapshotPlanId) return plan;
      if (snapshotPlanId !== null) {
        const lender = await this.plan(em, snapshotPlanId);
        const borrowers = await em.query('SELECT 1 FROM plan WHERE snapshot_plan_id = $1 LIMIT 1', [plan.id]);
        const refusal = snapshotPlanRefusal(plan, lender, borrowers.length > 0);
        if (refusal) throw badInput(refusal, 'snapshotPlan');
      }
      await em.query('UPDATE plan SET snapshot_plan_id = $2 WHERE id = $1', [plan.id, snapshotPlanId]);
      plan.snapshotPlanId = snapshotPlanId;
      return plan;
    });
  }

  async setPlanStatus(planId: string, status: PlanStatus): Promise<Plan> {
    const [rows] = await this.dataSource.query(
      `UPDATE plan SET status = $2 WHERE id = $1 RETURNING ${this.t.plan.select('plan')}`,
      [planId, PLAN_STATUS_CODE[status]],
    );
    if (!rows?.length) throw notFound('plan', planId);
    return this.t.plan.hydrate(rows[0]);
  }
}
