/*
 * What each scenario asks, of each kind of server. A scenario whose fields a
 * build of our server does not have (s6 and s7 need Project.currentHistory
 * and Snapshot.keptBecause) is left out for that build.
 */

const gql = (query, variables) => JSON.stringify({ query, variables });

export const SCENARIOS = {
  s1: 'currentSnapshot { id status }',
  s2: 'snapshotImage(borrowing plan) { id status }',
  s3: 'dashboard: 50 snapshots with images and plans',
  s6: 'project { currentHistory(first: 50) }',
  s7: 'snapshots(first: 100) { id keptBecause leases }',
  s4: 'changeImageStatus, many snapshots',
  s5: 'changeImageStatus, one snapshot (lock contention)',
};

/** The scenarios that change data; the others only read. */
export const MUTATIONS = ['s4', 's5'];

const OURS = {
  s1: 'query Current($project: ID!) { currentSnapshot(project: $project) { id status } }',
  s2: 'query Image($plan: ID!, $snapshot: ID!) { snapshotImage(plan: $plan, snapshot: $snapshot) { id status } }',
  s3: `query Dashboard($slug: String!) { project(slug: $slug) { snapshots(first: 50) { nodes {
         id status isCurrent images { status plan { label } } } } } }`,
  s6: `query History($slug: String!) { project(slug: $slug) { currentHistory(first: 50) { nodes {
         version kind from { id } to { id } actor at } } } }`,
  s7: `query Retention($project: ID!) { snapshots(project: $project, first: 100) { nodes {
         id keptBecause leases { holder } } } }`,
  mutation: `mutation Change($image: ID!, $status: SnapshotStatus!) {
         changeImageStatus(image: $image, status: $status) { id status snapshot { id status } } }`,
};

/** The fields (Type.field) a build of our server needs for a scenario. */
const NEEDS = { s6: ['Project.currentHistory'], s7: ['Snapshot.keptBecause', 'Snapshot.leases'] };

const POSTGRAPHILE = {
  s1: 'query Current($slug: String!) { projectBySlug(slug: $slug) { snapshotByCurrentSnapshotIdAndRowId { rowId status } } }',
  s3: `query Dashboard($slug: String!) { projectBySlug(slug: $slug) {
         snapshotsByProjectId(first: 50, orderBy: [DATE_CREATED_DESC, ROW_ID_DESC]) { nodes {
           rowId status isCurrent
           snapshotImagesBySnapshotId(orderBy: [DATE_CREATED_ASC, ROW_ID_ASC]) { nodes { status planByPlanId { label } } } } } } }`,
};

/** Whether a started server can answer a scenario. */
export function takes(server, scenario) {
  if (server.kind === 'floor') return scenario === 's1' || scenario === 's3';
  if (server.kind === 'postgraphile') return scenario in POSTGRAPHILE;
  return (NEEDS[scenario] ?? []).every((field) => server.fields.has(field));
}

/**
 * What each request of a scenario asks of a server: a list taken round
 * robin. Mutations change what they touch, so each of `part.n` servers gets
 * its own share (`part.k`) of the prepared images.
 */
export function requestsFor(scenario, server, inputs, part = { k: 0, n: 1 }) {
  const { slugs, pairs, mutations } = inputs;
  const mine = (images, group) => images.filter((_, i) => Math.floor(i / group) % part.n === part.k);
  if (server.kind === 'floor') {
    const route = { s1: 'current', s3: 'dashboard' }[scenario];
    return { method: 'GET', requests: slugs.map((slug) => ({ path: `/${route}/${encodeURIComponent(slug)}` })) };
  }
  const post = (bodies) => ({ method: 'POST', path: '/graphql', requests: bodies.map((body) => ({ body })) });
  if (server.kind === 'postgraphile') return post(slugs.map((slug) => gql(POSTGRAPHILE[scenario], { slug })));
  switch (scenario) {
    case 's1':
      return post(slugs.map((slug) => gql(OURS.s1, { project: slug })));
    case 's2':
      return post(pairs.map((p) => gql(OURS.s2, p)));
    case 's3':
    case 's6':
      return post(slugs.map((slug) => gql(OURS[scenario], { slug })));
    case 's7':
      return post(slugs.map((slug) => gql(OURS.s7, { project: slug })));
    case 's4':
      return post(mine(mutations.manyImages, 1).map((image) => gql(OURS.mutation, { image, status: 'ACTIVE' })));
    case 's5':
      return post(mine(mutations.contendedImages, 50).map((image) => gql(OURS.mutation, { image, status: 'ACTIVE' })));
  }
  throw new Error(`no scenario ${scenario}`);
}
