import { randomUUID } from 'node:crypto';
import { ok } from './graphql';
import type { TestServer } from './test-server';

let counter = 0;
export const uniqueSlug = (prefix = 'p'): string => `${prefix}-${process.pid}-${++counter}-${randomUUID().slice(0, 8)}`;

export async function createProject(server: TestServer, slug = uniqueSlug()): Promise<{ id: string; slug: string }> {
  const data = await ok<{ createProject: { id: string; slug: string } }>(server, 'mutation($slug: String!) { createProject(slug: $slug, name: "A project") { id slug } }', { slug });
  return data.createProject;
}

export async function createPlan(
  server: TestServer,
  project: string,
  options: { label?: string; status?: string; snapshotPlan?: string | null } = {},
): Promise<{ id: string; label: string }> {
  const data = await ok<{ createPlan: { id: string; label: string } }>(
    server,
    `mutation($project: ID!, $label: String!, $status: PlanStatus, $snapshotPlan: ID) {
      createPlan(project: $project, label: $label, status: $status, snapshotPlan: $snapshotPlan) { id label }
    }`,
    { project, label: options.label ?? `plan ${++counter}`, status: options.status ?? 'ACTIVE', snapshotPlan: options.snapshotPlan ?? null },
  );
  return data.createPlan;
}

export interface CreatedSnapshot {
  id: string;
  status: string;
  buildId: string | null;
  revision: string | null;
  isCurrent: boolean;
  images: { id: string; status: string; jobId: string | null; plan: { id: string } }[];
}

export const SNAPSHOT_FIELDS = 'id status buildId revision isCurrent images { id status jobId plan { id } }';

export interface SnapshotVariables {
  buildId?: string;
  revision?: string;
  images?: { plan: string; jobId?: string }[];
}

export async function createSnapshot(server: TestServer, project: string, variables: SnapshotVariables = {}): Promise<CreatedSnapshot> {
  const data = await ok<{ createSnapshot: CreatedSnapshot }>(
    server,
    `mutation($project: ID!, $buildId: ID, $revision: String, $images: [SnapshotImageInput!]) {
      createSnapshot(project: $project, buildId: $buildId, revision: $revision, images: $images) { ${SNAPSHOT_FIELDS} }
    }`,
    { project, ...variables },
  );
  return data.createSnapshot;
}

export interface ChangedImage {
  changeImageStatus: { id: string; status: string; snapshot: { id: string; status: string } };
}

export async function setImageStatus(server: TestServer, image: string, status: string) {
  return server.gql<ChangedImage>(
    `mutation($image: ID!, $status: SnapshotStatus!) {
      changeImageStatus(image: $image, status: $status) { id status snapshot { id status } }
    }`,
    { image, status },
  );
}

/** A new snapshot of `project` whose images are all ACTIVE, so that it is ACTIVE. */
export async function activeSnapshot(server: TestServer, project: string, variables: SnapshotVariables = {}): Promise<CreatedSnapshot> {
  const s = await createSnapshot(server, project, variables);
  for (const image of s.images) await setImageStatus(server, image.id, 'ACTIVE');
  return { ...s, status: 'ACTIVE' };
}

/** A new ACTIVE snapshot of `project` (see activeSnapshot), made the project's current snapshot. */
export async function activeCurrentSnapshot(server: TestServer, project: string, variables: SnapshotVariables = {}): Promise<CreatedSnapshot> {
  const s = await activeSnapshot(server, project, variables);
  await ok(server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id } }', { p: project, s: s.id });
  return { ...s, isCurrent: true };
}
