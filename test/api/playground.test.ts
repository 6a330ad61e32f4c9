import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { databaseKind } from '../helpers/database';
import { createProject, uniqueSlug } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { TOKENS, useServers } from '../helpers/test-server';

const suite = useServers(1);
const CHROMIUM = '/usr/bin/chromium';
const base = () => suite.server.url.replace(/\/graphql$/, '');

describe('the playground, served by the server itself', () => {
  it('GET /graphql from a browser (Accept: text/html) gives the GraphiQL page, which loads nothing from elsewhere', async () => {
    for (const path of ['/graphql']) {
      const res = await fetch(`${base()}${path}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
      const html = await res.text();
      expect(html).toContain('<script src="/playground/assets/graphiql.js"></script>');
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('serves its scripts and styles from node_modules; nothing else under /playground/assets', async () => {
    for (const [name, type] of [['react.js', 'text/javascript'], ['react-dom.js', 'text/javascript'], ['graphiql.js', 'text/javascript'], ['graphiql.css', 'text/css'], ['start.js', 'text/javascript']]) {
      const res = await fetch(`${base()}/playground/assets/${name}`);
      expect({ name, status: res.status, type: res.headers.get('content-type') }).toEqual({ name, status: 200, type: `${type}; charset=utf-8` });
    }
    expect((await fetch(`${base()}/playground/assets/../../package.json`)).status).toBe(404);
    expect((await fetch(`${base()}/playground/assets/constructor`)).status).toBe(404);
  });

  it('a GET that is not a browser\'s gets GraphQL, not the page; Apollo\'s own landing page is off', async () => {
    const res = await fetch(suite.server.url, { headers: { accept: 'application/json' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  const browserTest = existsSync(CHROMIUM) ? it : it.skip;
  if (!existsSync(CHROMIUM)) {
    console.warn(`SKIPPED: the playground browser test needs Chromium at ${CHROMIUM} (apt-get install -y chromium); .ci/run installs it`);
  }

  browserTest('runs a query in headless Chromium and shows its result, with its docs; a mutation with the token from the headers editor; a live subscription; nothing loaded from elsewhere', async () => {
    const project = await createProject(suite.server);
    const slug = uniqueSlug('browser');
    let browser: Browser | null = null;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--headless'],
      });
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(base()) && !request.url().startsWith('data:')) elsewhere.push(request.url());
      });
      page.on('pageerror', (err) => problems.push(err.message));
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
      });
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });

      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(suite.server.url);
      // The default tab's text fits its editor in a 1280 px window: no line runs off to the right.
      const editor = page.locator('.graphiql-query-editor');
      await editor.getByText('query Dashboard').waitFor({ timeout: 20_000 });
      const cut = await editor.evaluate((el) => {
        const right = el.querySelector('.CodeMirror-scroll')!.getBoundingClientRect().right;
        return [...el.querySelectorAll('.CodeMirror-line > span')]
          .filter((line) => line.getBoundingClientRect().right > right)
          .map((line) => `${line.textContent} (${Math.round(line.getBoundingClientRect().right)} > ${Math.round(right)})`);
      });
      expect(cut).toEqual([]);
      // The default tab holds the dashboard query; run it with the run button.
      await page.locator('.graphiql-execute-button').click({ timeout: 20_000 });
      const result = page.locator('.result-window');
      await result.getByText(project.slug).first().waitFor({ timeout: 20_000 });
      expect(await result.textContent()).toContain('"projects"');

      // The schema's docs: the explorer lists the root types, loaded by introspection.
      await page.getByRole('button', { name: /documentation explorer/i }).click();
      await page.locator('.graphiql-doc-explorer').getByText('Query').first().waitFor({ timeout: 10_000 });
      // The headers editor carries the token: a mutation run from the page with it is served.
      await page.getByText('Headers', { exact: true }).first().click();
      await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').click();
      await page.keyboard.insertText(`{"Authorization": "Bearer ${TOKENS.admin}"}`);
      await page.locator('.graphiql-query-editor .CodeMirror').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(`mutation FromTheBrowser { createProject(slug: "${slug}", name: "From the browser") { slug name } }`);
      await page.waitForTimeout(500); // GraphiQL reads the operation's name from the editor a moment later
      await page.locator('.graphiql-execute-button').click();
      await result.getByText('From the browser').first().waitFor({ timeout: 20_000 });
      expect((await ok(suite.server, '{ project(slug: "' + slug + '") { name } }')).project).toEqual({ name: 'From the browser' });

      // The Live tab's subscription, over WebSocket, shows a change made elsewhere.
      await page.getByText('LiveSnapshots', { exact: true }).first().click();
      // An edit makes GraphiQL read this tab's operation name (it keeps the last tab's until then).
      await page.locator('.graphiql-query-editor .CodeMirror').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText(' ');
      await page.waitForTimeout(500);
      await page.locator('.graphiql-execute-button').click();
      await page.waitForTimeout(500);
      await ok(suite.server, 'mutation($p: ID!) { createPlan(project: $p, label: "live") { id } }', { p: slug });
      const snapshot = await ok(suite.server, 'mutation($p: ID!) { createSnapshot(project: $p) { id } }', { p: slug });
      await result.getByText(snapshot.createSnapshot.id).first().waitFor({ timeout: 20_000 });

      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
      console.log(`${databaseKind()}: Chromium ran the playground's default query (it showed project ${project.slug}) and a createProject with the admin token from the headers editor, and saw a subscription event`);
    } finally {
      await browser?.close();
    }
  });
});
