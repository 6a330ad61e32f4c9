import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/**
 * GraphiQL, served by this server from the project's own node_modules (no
 * CDN: it must work where there is no internet): the page at GET /graphql
 * for browsers (/ is the status board, http/board.ts), its scripts and styles under /playground/assets/.
 */
export const PLAYGROUND_ASSETS = '/playground/assets/';

const packageDir = (name: string): string => path.dirname(require.resolve(`${name}/package.json`));

const FILES: Record<string, { file: () => string; type: string }> = {
  'react.js': { file: () => path.join(packageDir('react'), 'umd', 'react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: () => path.join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: () => path.join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: () => path.join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
};

const DASHBOARD = `# The snapshot registry. Run with the ▶ button
# (or Ctrl-Enter); the docs are under the book icon.
# Reads need no token. Mutations do: open "Headers"
# below and add
#   {"Authorization": "Bearer <token>"}
# (a server started without API_TOKENS prints an
# admin token at start).
query Dashboard {
  projects {
    slug
    name
    currentSnapshot { id status revision }
    snapshots(first: 5) {
      totalCount
      nodes {
        id
        status
        revision
        isCurrent
        dateCreated
        images { status plan { label } }
      }
    }
  }
}
`;

const SCHEDULER_READ = `# What the scheduler asks before a build: the current
# snapshot of a project (id or slug) and the image each
# plan uses in it.
query CurrentSnapshot($project: ID!) {
  currentSnapshot(project: $project) {
    id
    status
    images { id status jobId plan { id label } }
  }
}
`;

const SCHEDULER_WRITE = `# The scheduler's side of a snapshot build (role
# scheduler or admin). Run one operation at a time:
# the ▶ button asks which.
mutation CreateSnapshot($project: ID!, $buildId: ID, $revision: String) {
  createSnapshot(project: $project, buildId: $buildId, revision: $revision) {
    id
    status
    images { id status plan { label } }
  }
}

mutation ImageBuilt($image: ID!) {
  changeImageStatus(image: $image, status: ACTIVE) {
    id
    status
    snapshot { id status }
  }
}

mutation BuildFinished($build: ID!, $passed: Boolean!) {
  snapshotBuildFinished(build: $build, passed: $passed) { id status }
}

mutation MakeCurrent($project: ID!, $snapshot: ID) {
  setCurrentSnapshot(project: $project, snapshot: $snapshot) { slug currentSnapshot { id } }
}
`;

const ADMIN = `# Setting up a project and its plans (role admin).
mutation CreateProject($slug: String!, $name: String!) {
  createProject(slug: $slug, name: $name) { id slug name }
}

mutation CreatePlan($project: ID!, $label: String!) {
  createPlan(project: $project, label: $label) { id label status }
}
`;

const LIVE = `# Live changes of snapshots, over WebSocket at the same
# /graphql (pass a project id or slug to narrow it).
# Each creation, status change, image change or change
# of the current snapshot arrives here.
subscription LiveSnapshots {
  snapshotChanged {
    id
    status
    isCurrent
    project { slug }
    images { status plan { label } }
  }
}
`;

const TABS = [
  { query: DASHBOARD },
  { query: LIVE },
  { query: SCHEDULER_READ, variables: '{\n  "project": "my-project"\n}' },
  {
    query: SCHEDULER_WRITE,
    variables:
      '{\n  "project": "my-project",\n  "buildId": "main-1234",\n  "revision": "main",\n' +
      '  "image": "<image id>",\n  "build": "main-1234",\n  "passed": true,\n  "snapshot": "<snapshot id>"\n}',
  },
  { query: ADMIN, variables: '{\n  "project": "my-project",\n  "slug": "my-project",\n  "name": "My project",\n  "label": "linux"\n}' },
];

/** The page's own script: no inline script, so that the page can forbid them. */
const START_SCRIPT = `(function () {
  var url = new URL('/graphql', window.location.href).toString();
  // Subscriptions go over graphql-ws; the Headers pane's values become its connection_init payload.
  var subscriptionUrl = url.replace(/^http/, 'ws');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: url, subscriptionUrl: subscriptionUrl }),
    defaultTabs: ${JSON.stringify(TABS)},
    defaultEditorToolsVisibility: 'variables',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false
  }));
})();
`;

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>snapshot-registry playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${PLAYGROUND_ASSETS}graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the playground...</div>
<script src="${PLAYGROUND_ASSETS}react.js"></script>
<script src="${PLAYGROUND_ASSETS}react-dom.js"></script>
<script src="${PLAYGROUND_ASSETS}graphiql.js"></script>
<script src="${PLAYGROUND_ASSETS}start.js"></script>
</body>
</html>
`;

/** Only this server: no script, style or request goes anywhere else. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** True for a browser's GET: it accepts HTML (and prefers it to JSON) and asks no query. */
export function wantsPlayground(req: IncomingMessage, url: URL): boolean {
  if (req.method !== 'GET' || url.searchParams.has('query')) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

export function sendPlayground(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(HTML),
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  res.end(HTML);
}

const cache = new Map<string, Buffer>();

/** GET /playground/assets/<name>: false when no such asset. */
export function sendPlaygroundAsset(res: ServerResponse, pathname: string): boolean {
  const name = pathname.slice(PLAYGROUND_ASSETS.length);
  let body = cache.get(name);
  let type: string;
  if (name === 'start.js') {
    body ??= Buffer.from(START_SCRIPT);
    type = 'text/javascript';
  } else {
    const asset = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!asset) return false;
    body ??= readFileSync(asset.file());
    type = asset.type;
  }
  cache.set(name, body);
  res.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': body.length,
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
  return true;
}
