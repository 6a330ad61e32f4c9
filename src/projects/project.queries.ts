import { canonicalUuid } from '../common/ids';
import type { Sql, Tables } from '../database/tables';
import type { Plan } from './plan.entity';
import type { Project } from './project.entity';

/** Reads of projects and plans, shared by loaders and services. */
export class ProjectQueries {
  constructor(private readonly t: Tables) {}

  /** Projects by reference: each an id or a slug. */
  async projectsByRef(sql: Sql, refs: readonly string[], lock = ''): Promise<Project[]> {
    const ids = refs.map(canonicalUuid).filter((id): id is string => id !== null);
    const rows = await sql.query(
      `SELECT ${this.t.project.select('p')} FROM project p
       WHERE p.id = ANY($1::uuid[]) OR p.slug = ANY($2::text[]) ${lock}`,
      [ids, refs],
    );
    return this.t.project.hydrateAll(rows);
  }

  async projectsById(sql: Sql, ids: readonly string[]): Promise<Project[]> {
    const rows = await sql.query(`SELECT ${this.t.project.select('p')} FROM project p WHERE p.id = ANY($1::uuid[])`, [ids]);
    return this.t.project.hydrateAll(rows);
  }

  async allProjects(sql: Sql): Promise<Project[]> {
    const rows = await sql.query(`SELECT ${this.t.project.select('p')} FROM project p ORDER BY p.slug`);
    return this.t.project.hydrateAll(rows);
  }

  async plansById(sql: Sql, ids: readonly string[]): Promise<Plan[]> {
    const rows = await sql.query(`SELECT ${this.t.plan.select('p')} FROM plan p WHERE p.id = ANY($1::uuid[])`, [ids]);
    return this.t.plan.hydrateAll(rows);
  }

  /** Plans of the given projects, oldest first. */
  async plansOfProjects(sql: Sql, projectIds: readonly string[]): Promise<Plan[]> {
    const rows = await sql.query(
      `SELECT ${this.t.plan.select('p')} FROM plan p WHERE p.project_id = ANY($1::uuid[])
       ORDER BY p.project_id, p.date_created, p.id`,
      [projectIds],
    );
    return this.t.plan.hydrateAll(rows);
  }
}

/** The project a reference names: its id, else its slug. */
export function matchProject(projects: readonly Project[], ref: string): Project | null {
  const id = canonicalUuid(ref);
  return (id && projects.find((p) => p.id === id)) || projects.find((p) => p.slug === ref) || null;
}
