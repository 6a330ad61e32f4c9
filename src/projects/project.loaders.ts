import DataLoader from 'dataloader';
import { byIdLoader, groupByKey } from '../common/batch';
import type { Db } from '../database/sql';
import type { Tables } from '../database/tables';
import type { Plan } from './plan.entity';
import type { Project } from './project.entity';
import { type ProjectQueries, matchProject } from './project.queries';

/** Per-request loaders of projects and plans. */
export function projectLoaders(queries: ProjectQueries, tables: Tables, db: Db) {
  const projectById = byIdLoader((ids) => tables.project.byIds(db, ids));
  const projectByRef = new DataLoader<string, Project | null>(async (refs) => {
    const projects = await queries.projectsByRef(db, refs);
    for (const p of projects) projectById.prime(p.id, p);
    return refs.map((ref) => matchProject(projects, ref));
  });
  const planById = byIdLoader((ids) => tables.plan.byIds(db, ids));
  const plansByProject = new DataLoader<string, Plan[]>(async (projectIds) => {
    const plans = await queries.plansOfProjects(db, projectIds);
    for (const p of plans) planById.prime(p.id, p);
    return groupByKey(projectIds, plans, (p) => p.projectId);
  });
  return { projectById, projectByRef, planById, plansByProject };
}
