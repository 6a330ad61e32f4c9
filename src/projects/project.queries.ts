import { canonicalUuid } from '../common/ids';
import type { RowLock } from '../database/sql';
import { type Db, sql } from '../database/sql';
import type { Tables } from '../database/tables';
import type { Plan } from './plan.entity';
import type { Project } from './project.entity';

/** Reads of projects and plans, shared by loaders and services (rows by id: `Tables`' `byIds`). */
export class ProjectQueries {
  constructor(private readonly t: Tables) {}

  /** Projects by reference: each an id or a slug. */
  projectsByRef(db: Db, refs: readonly string[], lock: RowLock = 'none'): Promise<Project[]> {
    const ids = refs.map(canonicalUuid).filter((id): id is string => id !== null);
    return this.t.project.many(
      db,
      sql`SELECT ${this.t.project.selectList()} FROM project WHERE id = ANY(${ids}::uuid[]) OR slug = ANY(${refs}::text[]) ${sql.lock(lock)}`
        .prepared('projects-by-ref'),
    );
  }

  allProjects(db: Db): Promise<Project[]> {
    return this.t.project.many(db, sql`SELECT ${this.t.project.selectList('p')} FROM project p ORDER BY p.slug`);
  }

  /** Plans of the given projects, oldest first. */
  plansOfProjects(db: Db, projectIds: readonly string[]): Promise<Plan[]> {
    return this.t.plan.many(
      db,
      sql`SELECT ${this.t.plan.selectList('p')} FROM plan p WHERE p.project_id = ANY(${projectIds}::uuid[])
          ORDER BY p.project_id, p.date_created, p.id`.prepared('plans-of-projects'),
    );
  }
}

/** The project a reference names: its id, else its slug. */
export function matchProject(projects: readonly Project[], ref: string): Project | null {
  const id = canonicalUuid(ref);
  return (id && projects.find((p) => p.id === id)) || projects.find((p) => p.slug === ref) || null;
}
