// The board's only way to the data: the public GraphQL API at /graphql, with
// the token the person pasted (kept in sessionStorage: this tab only).

const TOKEN_KEY = 'snapshot-registry.board.token';

export const token = {
  get() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(value) {
    try {
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage refused (private mode): the token lives as long as the page then.
    }
    memory = value || null;
  },
};
let memory = null;
const currentToken = () => token.get() ?? memory;
export { currentToken };

export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const authListeners = new Set();
/** Called with a message when the server refuses the request for want of a (valid) token. */
export function onUnauthenticated(listener) {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}
export function reportUnauthenticated(message) {
  for (const listener of authListeners) listener(message);
}

/** Runs a query; resolves to its data, or throws an ApiError with the first error's code. */
export async function gql(query, variables = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const bearer = currentToken();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let res;
  try {
    res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError('The server does not answer.', 'NETWORK', 0);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The server answered HTTP ${res.status}.`, 'BAD_RESPONSE', res.status);
  }
  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? 'ERROR';
    if (code === 'UNAUTHENTICATED') reportUnauthenticated(first.message);
    throw new ApiError(first.message, code, res.status);
  }
  return body.data;
}

/**
 * What this server's schema has beyond the core: `promotion` (the history of
 * the current snapshot, status history with reasons, actors) and `retention`
 * (leases, keep reasons, expiry). The board shows those parts when present.
 */
export async function loadFeatures() {
  const data = await gql(`query BoardFeatures {
    project: __type(name: "Project") { fields { name } }
    snapshot: __type(name: "Snapshot") { fields { name } }
    state: __type(name: "SnapshotState") { enumValues { name } }
  }`);
  const has = (type, name) => Boolean(type?.fields?.some((f) => f.name === name));
  return {
    promotion: has(data.project, 'currentHistory') && has(data.project, 'currentVersion') && has(data.snapshot, 'statusHistory'),
    retention:
      has(data.snapshot, 'expiredAt') && has(data.snapshot, 'leases') && has(data.snapshot, 'keptBecause') && has(data.project, 'retention') &&
      Boolean(data.state?.enumValues?.some((v) => v.name === 'EXPIRED')),
  };
}

const when = (flag, text) => (flag ? text : '');

/** The board: every project, its current snapshot and its newest snapshots' statuses. */
export const boardQuery = (f) => `query Board($first: Int!) {
  projects {
    id slug name
    currentSnapshot { id status revision dateCreated${when(f.retention, ' expiredAt')} }
    ${when(f.promotion, 'currentHistory(first: 1) { nodes { version kind actor reason at downgrade } }')}
    ${when(f.retention, 'expired: snapshots(state: EXPIRED, first: 1) { totalCount }')}
    snapshots(first: $first, state: ALL) { pageInfo { hasNextPage endCursor } nodes { id status dateCreated } }
  }
}`;

/** More of one project's snapshots, for the board's counts. */
export const boardMoreQuery = `query BoardMore($project: ID!, $after: String) {
  project(id: $project) { snapshots(first: 100, after: $after, state: ALL) { pageInfo { hasNextPage endCursor } nodes { id status dateCreated } } }
}`;

/** One project's line of the board, again (after its current snapshot moved). */
export const boardRowQuery = (f) => `query BoardRow($project: ID!) {
  project(id: $project) {
    id
    currentSnapshot { id status revision dateCreated${when(f.retention, ' expiredAt')} }
    ${when(f.promotion, 'currentHistory(first: 1) { nodes { version kind actor reason at downgrade } }')}
    ${when(f.retention, 'expired: snapshots(state: EXPIRED, first: 1) { totalCount }')}
  }
}`;

export const boardLiveQuery = (f) => `subscription BoardLive {
  snapshotChanged { id status isCurrent revision dateCreated project { id }${when(f.retention, ' expiredAt')} }
}`;

/** What a row of a project's grid shows of a snapshot. */
const rowFields = (f) => `id status isCurrent revision buildId dateCreated
  images { id status plan { id } }${when(f.promotion, '\n  statusReason')}${when(f.retention, '\n  expiredAt keptBecause leases { id holder expiresAt }')}`;

const historyFields = 'totalCount pageInfo { hasNextPage endCursor } nodes { id version kind downgrade actor reason at from { id revision dateCreated } to { id revision dateCreated } }';

export const projectQuery = (f) => `query ProjectPage($slug: String!, $first: Int!, $after: String) {
  project(slug: $slug) {
    id slug name
    ${when(f.promotion, 'currentVersion')}
    ${when(f.retention, 'retention { keepActive keepDays keepHistory }')}
    currentSnapshot { id }
    plans { id label status snapshotPlan { id label } }
    snapshots(first: $first, after: $after, state: ALL) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${rowFields(f)} }
    }
    ${when(f.promotion, `currentHistory(first: 20) { ${historyFields} }`)}
  }
}`;

export const historyQuery = `query CurrentHistory($slug: String!, $after: String) {
  project(slug: $slug) { currentVersion currentSnapshot { id } currentHistory(first: 20, after: $after) { ${historyFields} } }
}`;

export const projectLiveQuery = (f) => `subscription ProjectLive($project: ID!) {
  snapshotChanged(project: $project) { ${rowFields(f)} }
}`;

export const snapshotQuery = (f) => `query SnapshotPage($id: ID!) {
  snapshot(id: $id) {
    id status isCurrent revision buildId dateCreated
    project { id slug name plans { id label snapshotPlan { id } } }
    images { id status jobId dateCreated plan { id label } }
    ${when(f.promotion, 'statusReason statusHistory { from to actor reason at image { id plan { label } } }')}
    ${when(f.retention, 'expiredAt keptBecause leases { id holder dateCreated expiresAt releasedAt live }')}
  }
}`;

export const snapshotLiveQuery = `subscription SnapshotLive($project: ID!) {
  snapshotChanged(project: $project) { id }
}`;
