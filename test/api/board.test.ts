import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { BOARD_CSP, boardScripts } from '../../src/http/board';
import { seed } from '../../src/seed/seed';
import { databaseKind } from '../helpers/database';
import { createPlan, createProject, createSnapshot, setImageStatus } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { TcpProxy } from '../helpers/tcp-proxy';
import { startTestServer, TOKENS, type TestServer, useServers } from '../helpers/test-server';

/** What the functions run inside the page see (this project compiles without the DOM's types). */
declare const document: any;
declare const window: any;
declare const sessionStorage: any;
declare const localStorage: any;

const suite = useServers(1);
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const originOf = (server: TestServer) => server.url.replace(/\/graphql$/, '');
const base = () => originOf(suite.server);
const JS_BUDGET_GZIP = 150 * 1024;
/** The parts of the schema beyond the core that the board shows when the server has them. */
const schemaText = readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
const HAS_PROMOTION = /\bcurrentHistory\(/.test(schemaText) && /\bstatusHistory:/.test(schemaText);
const HAS_RETENTION = /\bkeptBecause:/.test(schemaText) && /\bexpireSnapshots\(/.test(schemaText);

/** The seeded database: 200 projects of 100 snapshots (src/seed). */
beforeAll(async () => {
  await seed(suite.server.app.database.dataSource, { scale: 1, reset: false });
}, 180_000);

describe('the board, served by the server itself', () => {
  it('GET / and /board from a browser give the board, with a Content-Security-Policy that allows nothing but this server', async () => {
    for (const at of ['/', '/board', '/board/', '/board/projects/project-00001', '/board/projects/project-00001/snapshots/x']) {
      const res = await fetch(`${base()}${at}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect({ at, status: res.status, type: res.headers.get('content-type') }).toEqual({ at, status: 200, type: 'text/html; charset=utf-8' });
      expect(res.headers.get('content-security-policy')).toBe(BOARD_CSP);
      const html = await res.text();
      expect(html).toContain('<script type="module" src="/board/assets/main.js"></script>');
      expect(html).not.toMatch(/https?:\/\//);
    }
    expect(BOARD_CSP).toMatch(/^default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; style-src 'self'; img-src 'self'; connect-src 'self';/);
  });

  it('a GraphQL client still gets GraphQL at /; the playground stays at /graphql', async () => {
    const res = await fetch(`${base()}/`, { headers: { accept: 'application/json' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const post = await fetch(`${base()}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ projects { slug } }' }) });
    expect(post.status).toBe(200);
    const playground = await fetch(suite.server.url, { headers: { accept: 'text/html' } });
    expect(await playground.text()).toContain('/playground/assets/graphiql.js');
  });

  it('serves its scripts from the project and node_modules (gzipped when asked), nothing else under /board/assets; under 150 KB of JavaScript gzipped', async () => {
    const scripts = boardScripts();
    expect(scripts.map((s) => s.name).sort()).toEqual(
      expect.arrayContaining(['main.js', 'vendor/preact.js', 'vendor/hooks.js', 'vendor/htm.js', 'vendor/graphql-ws.js']),
    );
    const gzipTotal = scripts.reduce((sum, s) => sum + s.gzipBytes, 0);
    expect(gzipTotal).toBeLessThan(JS_BUDGET_GZIP);
    console.log(`board JavaScript: ${scripts.length} files, ${scripts.reduce((sum, s) => sum + s.bytes, 0)} bytes, ${gzipTotal} bytes gzipped`);

    const res = await fetch(`${base()}/board/assets/vendor/preact.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).not.toContain('sourceMappingURL');
    const again = await fetch(`${base()}/board/assets/vendor/preact.js`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    for (const missing of ['/board/assets/../../package.json', '/board/assets/constructor', '/board/assets/vendor/', '/board/assets/nope.js']) {
      expect({ missing, status: (await fetch(`${base()}${missing}`)).status }).toEqual({ missing, status: 404 });
    }
  });
});

const browserAvailable = existsSync(CHROMIUM);
const browserTest = browserAvailable ? it : it.skip;
if (!browserAvailable) {
  console.warn(`SKIPPED: the board's browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium); .ci/run installs it`);
}

describe('the board in headless Chromium', () => {
  let browser: Browser | null = null;
  beforeAll(async () => {
    if (!browserAvailable) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--headless'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A page that records what went wrong: requests to anywhere else, errors, HTTP errors; and what it transferred. */
  async function open(origin: string, options: { width?: number; height?: number; context?: BrowserContext } = {}) {
    const context = options.context ?? (await browser!.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 } }));
    const page = await context.newPage();
    const seen = { elsewhere: [] as string[], problems: [] as string[], documents: 0, responses: [] as { url: string; type: string; body: number; headers: number }[] };
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith(origin.replace(/^http/, 'ws'))) seen.elsewhere.push(request.url());
      if (request.resourceType() === 'document') seen.documents++;
    });
    page.on('pageerror', (err) => seen.problems.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') seen.problems.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) seen.problems.push(`${response.status()} ${response.url()}`);
      void response.request().sizes().then(
        (sizes) => seen.responses.push({ url: response.url(), type: response.request().resourceType(), body: sizes.responseBodySize, headers: sizes.responseHeadersSize }),
        () => undefined,
      );
    });
    return { page, context, seen };
  }

  const liveNotice = (page: Page) => page.locator('[data-live]');
  const waitLive = (page: Page) => page.locator('[data-live="live"]').waitFor({ timeout: 30_000 });

  browserTest('the board shows every seeded project with its current snapshot and counts the API agrees with; filters by slug; loads nothing from elsewhere', async () => {
    const { page, context, seen } = await open(base());
    try {
      await page.goto(`${base()}/`);
      await page.locator('tr[data-project]').nth(199).waitFor({ timeout: 30_000 });
      await waitLive(page);
      expect(await page.locator('tr[data-project]').count()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Projects');

      const api = await ok(
        suite.server,
        `{ projects { slug currentSnapshot { id status revision } snapshots(first: 100, state: ALL) { nodes { status dateCreated } } } }`,
      );
      for (const slug of ['project-00001', 'project-00100', 'project-00200']) {
        const p = api.projects.find((x: any) => x.slug === slug);
        const row = page.locator(`tr[data-project="${slug}"]`);
        const current = row.locator('[data-col="current"]');
        expect(await current.getAttribute('data-snapshot')).toBe(p.currentSnapshot.id);
        expect(await current.locator('[data-status]').getAttribute('data-status')).toBe(p.currentSnapshot.status);
        // Colour is not the only signal: the status is also a word.
        expect(await current.textContent()).toContain(p.currentSnapshot.status.toLowerCase());
        expect(await current.textContent()).toContain(p.currentSnapshot.revision.slice(0, 10));
        const building = p.snapshots.nodes.filter((s: any) => s.status === 'PENDING').length;
        const failed = p.snapshots.nodes.filter((s: any) => s.status === 'FAILED' && Date.now() - Date.parse(s.dateCreated) < 24 * 3600 * 1000).length;
        expect({ slug, building: (await row.locator('[data-col="building"]').textContent())!.trim() }).toEqual({ slug, building: String(building) });
        expect({ slug, failed: (await row.locator('[data-col="failed"]').textContent())!.trim() }).toEqual({ slug, failed: String(failed) });
      }
      await page.screenshot({ path: path.join(ARTIFACTS, `${databaseKind()}-board.png`) });

      // The keyboard: "/" goes to the filter; typing narrows the list and the address keeps it.
      await page.keyboard.press('/');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter');
      await page.keyboard.type('0020');
      await page.waitForFunction(() => document.querySelectorAll('tr[data-project]').length === 2);
      expect(await page.locator('tr[data-project]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-project')))).toEqual(['project-00020', 'project-00200']);
      expect(new URL(page.url()).search).toBe('?q=0020');
      // Tab from the filter reaches the first project's link; Enter opens its page, whose heading takes the focus.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('project-00020');
      await page.keyboard.press('Enter');
      await page.locator('tr[data-snapshot]').first().waitFor({ timeout: 20_000 });
      expect(new URL(page.url()).pathname).toBe('/board/projects/project-00020');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('page-heading');
      expect(seen.documents).toBe(1);

      const transfer = seen.responses.reduce((sum, r) => sum + r.body + r.headers, 0);
      const scriptBytes = seen.responses.filter((r) => r.type === 'script').reduce((sum, r) => sum + r.body, 0);
      console.log(`${databaseKind()}: the board with 200 projects, then one project page: ${seen.responses.length} responses, ${transfer} bytes transferred; scripts ${scriptBytes} bytes (gzip)`);
      expect(scriptBytes).toBeLessThan(JS_BUDGET_GZIP);
      expect(seen.elsewhere).toEqual([]);
      expect(seen.problems).toEqual([]);

      // On a phone.
      const phone = await open(base(), { width: 390, height: 844 });
      await phone.page.goto(`${base()}/board?q=project-001`);
      await phone.page.locator('tr[data-project]').first().waitFor({ timeout: 30_000 });
      await phone.page.screenshot({ path: path.join(ARTIFACTS, `${databaseKind()}-board-phone.png`) });
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await phone.context.close();
    } finally {
      await context.close();
    }
  });

  browserTest("a project page's grid is the API's answer: rows newest first, a column per plan, each cell the status of the image the plan uses; pages as the API does", async () => {
    const { page, context, seen } = await open(base());
    try {
      await page.goto(`${base()}/board/projects/project-00200`);
      await page.locator('tr[data-snapshot]').nth(19).waitFor({ timeout: 30_000 });
      await waitLive(page);

      const query = `query($after: String) { project(slug: "project-00200") {
        currentSnapshot { id }
        plans { id label status snapshotPlan { id label } }
        snapshots(first: 20, after: $after, state: ALL) { pageInfo { endCursor hasNextPage } nodes { id status images { status plan { id } } } }
      } }`;
      const expected = (project: any) =>
        project.snapshots.nodes.map((s: any) => ({
          id: s.id,
          status: s.status,
          current: String(s.id === project.currentSnapshot.id),
          cells: project.plans.map((plan: any) => s.images.find((i: any) => i.plan.id === (plan.snapshotPlan?.id ?? plan.id))?.status ?? 'NONE'),
        }));
      const shown = () =>
        page.locator('table.grid tbody tr').evaluateAll((rows) =>
          rows.map((r) => ({
            id: r.getAttribute('data-snapshot'),
            status: r.getAttribute('data-status'),
            current: r.getAttribute('data-current'),
            cells: [...r.querySelectorAll('td[data-plan]')].map((c) => c.getAttribute('data-status')),
          })),
        );

      const first = (await ok(suite.server, query, { after: null })).project;
      expect(await shown()).toEqual(expected(first));
      const headers = await page.locator('table.grid thead th[data-plan]').evaluateAll((ths) => ths.map((th) => (th as any).innerText.replace(/\s+/g, ' ').trim()));
      expect(headers).toEqual(first.plans.map((p: any) => `${p.label}${p.snapshotPlan ? ` uses ${p.snapshotPlan.label}` : ''}${p.status === 'INACTIVE' ? ' inactive' : ''}`));
      // Every cell says its status in words too.
      expect(await page.locator('table.grid td[data-plan="' + first.plans[0].id + '"]').first().textContent()).toMatch(/active|pending|unknown|failed|invalidated|no image/);
      expect(await page.locator('tr[data-current="true"] th').textContent()).toContain('current');
      await page.screenshot({ path: path.join(ARTIFACTS, `${databaseKind()}-project.png`) });

      await page.getByRole('link', { name: 'Older' }).click();
      await page.waitForURL(/after=/);
      const second = (await ok(suite.server, query, { after: first.snapshots.pageInfo.endCursor })).project;
      await page.waitForFunction((id) => document.querySelector('table.grid tbody tr')?.getAttribute('data-snapshot') === id, second.snapshots.nodes[0].id, { timeout: 20_000 });
      expect(await shown()).toEqual(expected(second));

      // A snapshot's own page, from its row.
      await page.locator('table.grid tbody tr th a').first().click();
      await page.locator('[data-field="status"]').waitFor({ timeout: 20_000 });
      expect(await page.locator('tr[data-image]').count()).toBe(4);
      expect(seen.documents).toBe(1);
      expect(seen.elsewhere).toEqual([]);
      expect(seen.problems).toEqual([]);

      const phone = await open(base(), { width: 390, height: 844 });
      await phone.page.goto(`${base()}/board/projects/project-00200`);
      await phone.page.locator('tr[data-snapshot]').first().waitFor({ timeout: 30_000 });
      await phone.page.screenshot({ path: path.join(ARTIFACTS, `${databaseKind()}-project-phone.png`) });
      await phone.context.close();
    } finally {
      await context.close();
    }
  });

  browserTest('a change made through the API appears without a reload within 2 s: an image, a new snapshot, the current snapshot', async () => {
    const project = await createProject(suite.server);
    const linux = await createPlan(suite.server, project.slug, { label: 'linux' });
    await createPlan(suite.server, project.slug, { label: 'windows' });
    const first = await createSnapshot(suite.server, project.slug, { revision: 'a'.repeat(40) });
    const { page, context, seen } = await open(base());
    try {
      await page.goto(`${base()}/board/projects/${project.slug}`);
      await page.locator(`tr[data-snapshot="${first.id}"]`).waitFor({ timeout: 30_000 });
      await waitLive(page);
      await page.evaluate(() => (window.boardTestMarker = 'still here'));

      const cell = page.locator(`tr[data-snapshot="${first.id}"] td[data-plan="${linux.id}"]`);
      expect(await cell.getAttribute('data-status')).toBe('UNKNOWN');
      await setImageStatus(suite.server, first.images.find((i) => i.plan.id === linux.id)!.id, 'ACTIVE');
      await page.locator(`tr[data-snapshot="${first.id}"] td[data-plan="${linux.id}"][data-status="ACTIVE"]`).waitFor({ timeout: 2_000 });
      expect(await cell.textContent()).toContain('active');

      const second = await createSnapshot(suite.server, project.slug, { revision: 'b'.repeat(40) });
      await page.locator(`table.grid tbody tr:first-child[data-snapshot="${second.id}"]`).waitFor({ timeout: 2_000 });

      for (const image of second.images) expect((await setImageStatus(suite.server, image.id, 'ACTIVE')).errors).toBeUndefined();
      await page.locator(`tr[data-snapshot="${second.id}"][data-status="ACTIVE"]`).waitFor({ timeout: 2_000 });
      await ok(suite.server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { slug } }', { p: project.slug, s: second.id });
      await page.locator(`tr[data-snapshot="${second.id}"][data-current="true"]`).waitFor({ timeout: 2_000 });
      expect(await page.locator('tr[data-current="true"]').count()).toBe(1);

      // A plan made since the page was read gets its column with the first snapshot that has its image.
      const macos = await createPlan(suite.server, project.slug, { label: 'macos' });
      const withMacos = await createSnapshot(suite.server, project.slug);
      await page.locator(`tr[data-snapshot="${withMacos.id}"] td[data-plan="${macos.id}"][data-status="UNKNOWN"]`).waitFor({ timeout: 10_000 });
      expect(await page.locator('table.grid thead th[data-plan]').count()).toBe(3);

      // The board's line for the project follows too.
      await page.goto(`${base()}/board?q=${project.slug}`);
      const current = page.locator(`tr[data-project="${project.slug}"] [data-col="current"]`);
      await page.locator(`tr[data-project="${project.slug}"] [data-col="current"][data-snapshot="${second.id}"]`).waitFor({ timeout: 30_000 });
      await waitLive(page);
      await page.evaluate(() => (window.boardTestMarker = 'board'));
      // Two snapshots are still building (the first has an UNKNOWN image, the last is new); a new one makes three.
      const buildingCell = page.locator(`tr[data-project="${project.slug}"] [data-col="building"]`);
      expect((await buildingCell.textContent())!.trim()).toBe('2');
      const third = await createSnapshot(suite.server, project.slug, { revision: 'c'.repeat(40) });
      await buildingCell.filter({ hasText: '3' }).waitFor({ timeout: 2_000 });
      for (const image of third.images) await setImageStatus(suite.server, image.id, 'ACTIVE');
      await ok(suite.server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { slug } }', { p: project.slug, s: third.id });
      await page.locator(`tr[data-project="${project.slug}"] [data-col="current"][data-snapshot="${third.id}"]`).waitFor({ timeout: 2_000 });
      expect(await current.textContent()).toContain('cccccccccc');
      expect(await page.evaluate(() => window.boardTestMarker)).toBe('board');
      expect(seen.documents).toBe(2);
      expect(seen.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  browserTest('says plainly that it is not live while the connection is down, and reads again once it is back', async () => {
    const project = await createProject(suite.server);
    const plan = await createPlan(suite.server, project.slug, { label: 'linux' });
    const snapshot = await createSnapshot(suite.server, project.slug);
    const port = Number(new URL(suite.server.url).port);
    const proxy = new TcpProxy('127.0.0.1', port);
    await proxy.start();
    const origin = `http://127.0.0.1:${proxy.port}`;
    const { page, context } = await open(origin);
    try {
      await page.goto(`${origin}/board/projects/${project.slug}`);
      await page.locator(`tr[data-snapshot="${snapshot.id}"]`).waitFor({ timeout: 30_000 });
      await waitLive(page);
      expect(await liveNotice(page).textContent()).toBe('Live');

      // The connection drops (as when the server stops or the network fails).
      await proxy.stop();
      await page.locator('[data-live="reconnecting"]').waitFor({ timeout: 20_000 });
      const notice = await liveNotice(page).textContent();
      expect(notice).toContain('Not live.');
      expect(notice).toContain('reconnecting');
      expect(await liveNotice(page).getAttribute('role')).toBe('alert');
      await page.screenshot({ path: path.join(ARTIFACTS, `${databaseKind()}-not-live.png`) });

      // A change while the page cannot hear of it; the page shows it once it is back.
      await setImageStatus(suite.server, snapshot.images.find((i) => i.plan.id === plan.id)!.id, 'FAILED');
      await proxy.start();
      await waitLive(page);
      await page.locator(`tr[data-snapshot="${snapshot.id}"][data-status="FAILED"]`).waitFor({ timeout: 20_000 });
      expect(await page.locator(`tr[data-snapshot="${snapshot.id}"] td[data-plan="${plan.id}"]`).getAttribute('data-status')).toBe('FAILED');
    } finally {
      await context.close();
      await proxy.stop();
    }
  });

  browserTest('without anonymous reads it asks for a token, keeps it for the tab only, and says when one is refused', async () => {
    const closed = await startTestServer(suite.db.url, { ANONYMOUS_READ: 'false' });
    const origin = originOf(closed);
    try {
      const { page, context, seen } = await open(origin);
      await page.goto(`${origin}/board?q=project-0000`);
      const input = page.getByLabel('Token', { exact: true });
      await input.waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('token-input');
      await input.fill('not-a-token-of-this-server');
      await page.keyboard.press('Enter');
      await page.getByText('The server refused the token').first().waitFor({ timeout: 20_000 });

      await page.getByLabel('Token', { exact: true }).fill(TOKENS.viewer);
      await page.keyboard.press('Enter');
      await page.locator('tr[data-project]').first().waitFor({ timeout: 30_000 });
      await waitLive(page);
      expect(await page.evaluate(() => sessionStorage.getItem('snapshot-registry.board.token'))).toBe(TOKENS.viewer);
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      // A reload keeps it (same tab)...
      await page.reload();
      await page.locator('tr[data-project]').first().waitFor({ timeout: 30_000 });
      await waitLive(page);
      // ...another tab does not have it.
      const other = await context.newPage();
      await other.goto(`${origin}/board`);
      await other.getByLabel('Token', { exact: true }).waitFor({ timeout: 20_000 });
      expect(seen.elsewhere).toEqual([]);
      await context.close();
    } finally {
      await closed.close();
    }
  });
  const promotionTest = browserAvailable && HAS_PROMOTION ? it : it.skip;
  if (!HAS_PROMOTION) console.warn('SKIPPED: the board\'s promotion test needs Project.currentHistory and Snapshot.statusHistory in schema.graphql');

  promotionTest('promotion: who set the current snapshot, the timeline of its changes (kind, actor, reason, rollbacks and downgrades), a snapshot\'s status history with reasons, live', async () => {
    const project = await createProject(suite.server);
    await createPlan(suite.server, project.slug, { label: 'linux' });
    const activeSnapshot = async (revision: string) => {
      const made = await createSnapshot(suite.server, project.slug, { revision });
      for (const image of made.images) expect((await setImageStatus(suite.server, image.id, 'ACTIVE')).errors).toBeUndefined();
      return made;
    };
    const older = await activeSnapshot('1'.repeat(40));
    const newer = await activeSnapshot('2'.repeat(40));
    const setCurrent = 'mutation($p: ID!, $s: ID, $r: String) { setCurrentSnapshot(project: $p, snapshot: $s, reason: $r) { currentVersion } }';
    await ok(suite.server, setCurrent, { p: project.slug, s: older.id, r: 'first release' });
    await ok(suite.server, setCurrent, { p: project.slug, s: newer.id, r: 'second release' });
    await ok(suite.server, 'mutation($p: ID!) { rollbackCurrentSnapshot(project: $p, reason: "the second one breaks the tests") { currentVersion } }', { p: project.slug });
    await ok(suite.server, 'mutation($s: ID!) { invalidateSnapshot(snapshot: $s, reason: "a bad base image") { status } }', { s: newer.id });
    const api = (await ok(suite.server, `query($p: String!) { project(slug: $p) { currentHistory(first: 20) { nodes { version kind actor reason downgrade } } } }`, { p: project.slug })).project;
    expect(api.currentHistory.nodes.map((c: any) => c.kind)).toEqual(['ROLLBACK', 'SET', 'SET']);

    const { page, context, seen } = await open(base());
    try {
      // The board says who moved the current snapshot, and how.
      await page.goto(`${base()}/board?q=${project.slug}`);
      const setBy = page.locator(`tr[data-project="${project.slug}"] [data-col="set-by"]`);
      await setBy.waitFor({ timeout: 30_000 });
      expect(await setBy.textContent()).toContain(api.currentHistory.nodes[0].actor);
      expect(await setBy.textContent()).toContain('rollback');
      expect(await setBy.textContent()).toContain('downgrade');

      // The project's timeline is the API's history, newest first.
      await page.locator(`tr[data-project="${project.slug}"] th a`).click();
      await page.locator('ol.timeline li').nth(2).waitFor({ timeout: 30_000 });
      await waitLive(page);
      const timeline = await page.locator('ol.timeline li').evaluateAll((items) =>
        items.map((li) => ({ version: Number(li.getAttribute('data-version')), kind: li.getAttribute('data-kind'), text: li.textContent })),
      );
      expect(timeline.map(({ version, kind }) => ({ version, kind }))).toEqual(api.currentHistory.nodes.map((c: any) => ({ version: c.version, kind: c.kind })));
      for (const [n, change] of api.currentHistory.nodes.entries()) {
        expect(timeline[n]!.text).toContain(change.actor);
        if (change.reason) expect(timeline[n]!.text).toContain(change.reason);
        expect(timeline[n]!.text!.includes('downgrade')).toBe(change.downgrade);
      }
      expect(timeline[0]!.text).toContain('rollback');
      await page.screenshot({ path: path.join(ARTIFACTS, `${databaseKind()}-project-history.png`), fullPage: true });

      // A new change arrives by itself.
      const third = await activeSnapshot('3'.repeat(40));
      await ok(suite.server, setCurrent, { p: project.slug, s: third.id, r: 'third time lucky' });
      await page.locator('ol.timeline li[data-version="4"]').waitFor({ timeout: 2_000 });
      expect(await page.locator('ol.timeline li').first().textContent()).toContain('third time lucky');

      // A snapshot's status history, with its reasons.
      await page.goto(`${base()}/board/projects/${project.slug}/snapshots/${newer.id}`);
      await page.locator('table.status-history tbody tr').first().waitFor({ timeout: 30_000 });
      const statusHistory = (await ok(suite.server, 'query($s: ID!) { snapshot(id: $s) { statusReason statusHistory { from to reason } } }', { s: newer.id })).snapshot;
      expect(await page.locator('table.status-history tbody tr').count()).toBe(statusHistory.statusHistory.length);
      expect(await page.locator('table.status-history').textContent()).toContain('a bad base image');
      expect(await page.locator('[data-field="status"]').textContent()).toContain(statusHistory.statusReason);
      expect(seen.elsewhere).toEqual([]);
      expect(seen.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  const retentionTest = browserAvailable && HAS_RETENTION ? it : it.skip;
  if (!HAS_RETENTION) console.warn('SKIPPED: the board\'s retention test needs Snapshot.keptBecause and Mutation.expireSnapshots in schema.graphql');

  retentionTest('retention: expired snapshots counted and marked, leases with their holders and expiry, why a snapshot is kept', async () => {
    const project = await createProject(suite.server);
    await createPlan(suite.server, project.slug, { label: 'linux' });
    const made: string[] = [];
    for (const revision of ['a', 'b', 'c']) {
      const snapshot = await createSnapshot(suite.server, project.slug, { revision: revision.repeat(40) });
      for (const image of snapshot.images) await setImageStatus(suite.server, image.id, 'ACTIVE');
      made.push(snapshot.id);
    }
    const [oldest, leased, current] = made as [string, string, string];
    await ok(suite.server, 'mutation($p: ID!, $s: ID) { setCurrentSnapshot(project: $p, snapshot: $s) { slug } }', { p: project.slug, s: current });
    await ok(suite.server, 'mutation($s: ID!) { leaseSnapshot(snapshot: $s, holder: "build-4242", ttlSeconds: 7200) { id } }', { s: leased });
    await ok(suite.server, 'mutation($p: ID!) { setRetentionPolicy(project: $p, keepActive: 0, keepDays: 0, keepHistory: 0) { slug } }', { p: project.slug });
    const run = await ok(suite.server, 'mutation($p: ID!) { expireSnapshots(project: $p) { expired { id } } }', { p: project.slug });
    expect(run.expireSnapshots.expired.map((s: any) => s.id)).toEqual([oldest]);

    const { page, context, seen } = await open(base());
    try {
      await page.goto(`${base()}/board?q=${project.slug}`);
      const expired = page.locator(`tr[data-project="${project.slug}"] [data-col="expired"]`);
      await expired.waitFor({ timeout: 30_000 });
      expect((await expired.textContent())!.trim()).toBe('1');

      await page.goto(`${base()}/board/projects/${project.slug}`);
      await page.locator(`tr[data-snapshot="${oldest}"]`).waitFor({ timeout: 30_000 });
      expect(await page.locator(`tr[data-snapshot="${oldest}"] th`).textContent()).toContain('expired');
      expect(await page.locator(`tr[data-snapshot="${leased}"] th`).textContent()).toContain('leased');
      expect(await page.locator('.facts').textContent()).toContain('the newest 0 active');

      await page.goto(`${base()}/board/projects/${project.slug}/snapshots/${leased}`);
      await page.locator('table.leases tbody tr').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('table.leases tbody tr').first().textContent()).toContain('build-4242');
      expect(await page.locator('[data-field="keptBecause"] [data-keep]').evaluateAll((tags) => tags.map((t) => t.getAttribute('data-keep')))).toEqual(['LEASED']);
      await page.screenshot({ path: path.join(ARTIFACTS, `${databaseKind()}-snapshot-leased.png`), fullPage: true });

      await page.goto(`${base()}/board/projects/${project.slug}/snapshots/${oldest}`);
      await page.locator('[data-field="expiredAt"]').waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-field="expiredAt"]').textContent()).toContain('expired');
      expect(await page.locator('[data-field="keptBecause"]').textContent()).toContain('nothing keeps it');
      expect(seen.elsewhere).toEqual([]);
      expect(seen.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
