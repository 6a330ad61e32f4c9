import DataLoader from 'dataloader';
import { byKey, groupByKey } from '../common/batch';
import type { Sql } from '../database/tables';
import type { Plan } from './plan.entity';
import type { Project } from './project.entity';
import { type ProjectQueries, matchProject } from './project.queries';

/** Per-request loaders of projects and plans. */
export function projectLoaders(queries: ProjectQueries, sql: Sql) {
  const projectById: DataLoader<string, Project | null> = new DataLoader(async (ids) =>
    byKey(ids, await queries.projectsById(sql, ids), (p) => p.id),
  );
  const projectByRef = new DataLoader<string, Project | null>(async (refs) => {
    const projects = await queries.projectsByRef(sql, refs);
    for (const p of projects) projectById.prime(p.id, p);
    return refs.map((ref) => matchProject(projects, ref));
  });
  const planById = new DataLoader<string, Plan | null>(async (ids) =>
    byKey(ids, await queries.plansById(sql, ids), (p) => p.id),
  );
  const plansByProject = new DataLoader<string, Plan[]>(async (projectIds) => {
    const plans = await queries.plansOfProjects(sql, projectIds);
    for (const p of plans) planById.prime(p.id, p);
    return groupByKey(projectIds, plans, (p) => p.projectId);
  });
  return { projectById, projectByRef, planById, plansByProject };
}
