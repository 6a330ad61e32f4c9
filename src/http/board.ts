import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The status board: a read-only page served by this server from the
 * project's own files (the `board/` folder) and its node_modules, that reads
 * through the public GraphQL API and its subscription only. Browsers get it
 * at GET / and at /board (/board/projects/<slug>[/snapshots/<id>] are its
 * own pages); its scripts and styles are under /board/assets/.
 */
export const BOARD_ASSETS = '/board/assets/';

/** A file of an installed package (looked up as Node would; some packages do not export their package.json). */
function packageFile(name: string, ...file: string[]): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    if (existsSync(path.join(dir, name, 'package.json'))) return path.join(dir, name, ...file);
  }
  throw new Error(`the package ${name} is not installed`);
}

/** The folder of the board's own files: `board/` at the project's root, from src/http or dist/src/http. */
function boardDir(): string {
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'board');
    if (existsSync(path.join(candidate, 'main.js'))) return candidate;
  }
  throw new Error(`the board's files (board/main.js) are not beside ${__dirname}`);
}

/** Libraries, by the name the page loads them under. Pinned in package.json. */
const VENDOR: Record<string, () => string> = {
  'vendor/preact.js': () => packageFile('preact', 'dist', 'preact.mjs'),
  'vendor/hooks.js': () => packageFile('preact', 'hooks', 'dist', 'hooks.mjs'),
  'vendor/htm.js': () => packageFile('htm', 'dist', 'htm.mjs'),
  // A classic script that defines the global `graphqlWs` (the client only).
  'vendor/graphql-ws.js': () => packageFile('graphql-ws', 'umd', 'graphql-ws.min.js'),
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** How the page's modules name the libraries: an import map, allowed by its hash below. */
const IMPORT_MAP = JSON.stringify({
  imports: {
    preact: `${BOARD_ASSETS}vendor/preact.js`,
    'preact/hooks': `${BOARD_ASSETS}vendor/hooks.js`,
    htm: `${BOARD_ASSETS}vendor/htm.js`,
  },
});

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Snapshot board</title>
<link rel="icon" href="${BOARD_ASSETS}icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${BOARD_ASSETS}board.css">
<script type="importmap">${IMPORT_MAP}</script>
<script src="${BOARD_ASSETS}vendor/graphql-ws.js"></script>
<script type="module" src="${BOARD_ASSETS}main.js"></script>
</head>
<body>
<div id="board"><p class="loading">Loading the board…</p></div>
<noscript><p>The board needs JavaScript. The GraphQL API and its playground are at <a href="/graphql">/graphql</a>.</p></noscript>
</body>
</html>
`;

const importMapHash = createHash('sha256').update(IMPORT_MAP).digest('base64');

/**
 * Nothing from anywhere but this server: scripts are its files (and the one
 * import map, by hash), requests and the WebSocket go to it alone, no inline
 * styles or frames, no forms.
 */
export const BOARD_CSP = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${importMapHash}'`,
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  gzipped: Buffer;
  type: string;
  etag: string;
}

let assets: Map<string, Asset> | null = null;

/** Every asset, read once: the board's own files and the libraries. */
function loadAssets(): Map<string, Asset> {
  if (assets) return assets;
  const files = new Map<string, string>();
  const dir = boardDir();
  for (const name of readdirSync(dir)) {
    if (/^[a-z0-9-]+\.(js|css|svg)$/.test(name)) files.set(name, path.join(dir, name));
  }
  for (const [name, file] of Object.entries(VENDOR)) files.set(name, file());
  const loaded = new Map<string, Asset>();
  for (const [name, file] of files) {
    // The libraries' source-map comments would send a browser's tools after files that are not served.
    const text = readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    const body = Buffer.from(text);
    loaded.set(name, {
      body,
      gzipped: gzipSync(body, { level: 9 }),
      type: TYPES[path.extname(name)]!,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    });
  }
  assets = loaded;
  return loaded;
}

/** The names of the scripts the page loads, and their sizes (for measuring the page's weight). */
export function boardScripts(): { name: string; bytes: number; gzipBytes: number }[] {
  return [...loadAssets()]
    .filter(([name]) => name.endsWith('.js'))
    .map(([name, asset]) => ({ name, bytes: asset.body.length, gzipBytes: asset.gzipped.length }));
}

const acceptsHtml = (req: IncomingMessage): boolean => (req.headers.accept ?? '').includes('text/html');

/** A page of the board: /board and below; / only for a browser (other clients get GraphQL there). */
function isPage(req: IncomingMessage, pathname: string): boolean {
  if (pathname === '/') return acceptsHtml(req);
  return pathname === '/board' || (pathname.startsWith('/board/') && !pathname.startsWith(BOARD_ASSETS));
}

function sendPage(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(HTML),
    'content-security-policy': BOARD_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  res.end(HTML);
}

function sendAsset(req: IncomingMessage, res: ServerResponse, name: string): boolean {
  const all = loadAssets();
  const asset = all.has(name) ? all.get(name) : undefined;
  if (!asset) return false;
  const headers: Record<string, string | number> = {
    'content-type': asset.type,
    'cache-control': 'no-cache',
    etag: asset.etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? asset.gzipped : asset.body;
  res.writeHead(200, { ...headers, 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  res.end(body);
  return true;
}

/**
 * Serves a GET for the board: its pages and its assets. False when the request
 * is not the board's (the caller goes on: GraphQL, the playground, 404).
 */
export function serveBoard(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (url.pathname.startsWith(BOARD_ASSETS)) return sendAsset(req, res, url.pathname.slice(BOARD_ASSETS.length));
  if (isPage(req, url.pathname) && !url.searchParams.has('query')) {
    sendPage(res);
    return true;
  }
  return false;
}
