import { createPlan, createProject } from './factories';
import { ok } from './graphql';
import { withSql } from './sql';
import type { TestServer } from './test-server';

export interface Policy {
  keepActive: number;
  keepDays: number;
  keepHistory: number;
}

/** Keeps only what is current or leased. */
export const KEEP_NOTHING: Policy = { keepActive: 0, keepDays: 0, keepHistory: 0 };

export async function setPolicy(server: TestServer, project: string, policy: Policy): Promise<{ id: string; retention: Policy }> {
  return (
    await ok<{ setRetentionPolicy: { id: string; retention: Policy } }>(
      server,
      `mutation($p: ID!, $a: Int!, $d: Int!, $h: Int!) {
        setRetentionPolicy(project: $p, keepActive: $a, keepDays: $d, keepHistory: $h) { id retention { keepActive keepDays keepHistory } }
      }`,
      { p: project, a: policy.keepActive, d: policy.keepDays, h: policy.keepHistory },
    )
  ).setRetentionPolicy;
}

/** A project with one plan, and the given policy. */
export async function retentionProject(server: TestServer, policy?: Policy): Promise<{ id: string; slug: string }> {
  const project = await createProject(server);
  await createPlan(server, project.id);
  if (policy) await setPolicy(server, project.id, policy);
  return project;
}

export async function setCurrent(server: TestServer, project: string, snapshot: string | null) {
  return server.gql<{ setCurrentSnapshot: { id: string; currentSnapshot: { id: string } | null } }>('mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { id currentSnapshot { id } } }', {
    p: project,
    s: snapshot,
  });
}

export const LEASE_FIELDS = 'id holder dateCreated expiresAt releasedAt live snapshot { id }';

export interface Lease {
  id: string;
  holder: string;
  dateCreated: string;
  expiresAt: string;
  releasedAt: string | null;
  live: boolean;
  snapshot: { id: string };
}

export async function leaseSnapshot(server: TestServer, snapshot: string, holder = 'build-1', ttlSeconds?: number) {
  return server.gql<{ leaseSnapshot: Lease }>(
    `mutation($s: ID!, $h: String!, $ttl: Int) { leaseSnapshot(snapshot: $s, holder: $h, ttlSeconds: $ttl) { ${LEASE_FIELDS} } }`,
    { s: snapshot, h: holder, ttl: ttlSeconds },
  );
}

export interface ExpiredSnapshots {
  expireSnapshots: { dryRun: boolean; expired: { id: string; status: string; expiredAt: string }[] };
}

export async function expireSnapshots(server: TestServer, project: string | null, dryRun?: boolean) {
  return server.gql<ExpiredSnapshots>(
    'mutation($p: ID, $d: Boolean) { expireSnapshots(project: $p, dryRun: $d) { dryRun expired { id status expiredAt } } }',
    { p: project, d: dryRun },
  );
}

/** Snapshot ids a successful expireSnapshots named, in its order. */
export async function expired(server: TestServer, project: string | null, dryRun?: boolean): Promise<string[]> {
  const res = await expireSnapshots(server, project, dryRun);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.expireSnapshots.expired.map((s) => s.id);
}

/** Moves snapshots' creation back by `days` days, as if they had been made then. */
export async function backdate(url: string, ids: string[], days: number): Promise<void> {
  await withSql(url, (c) => c.query(`UPDATE snapshot SET date_created = date_created - make_interval(days => $2) WHERE id = ANY($1::uuid[])`, [ids, days]));
}

export interface SnapshotRetention {
  id: string;
  status: string;
  expiredAt: string | null;
  keptBecause: string[];
  isCurrent: boolean;
  leases: { id: string; holder: string; live: boolean }[];
}

export async function snapshotRetention(server: TestServer, id: string): Promise<SnapshotRetention> {
  return (
    await ok<{ snapshot: SnapshotRetention }>(server, 'query($s: ID!) { snapshot(id: $s) { id status expiredAt keptBecause isCurrent leases { id holder live } } }', { s: id })
  ).snapshot;
}
