import { randomUUID } from 'node:crypto';
import { createPlan, createProject, uniqueSlug } from '../helpers/factories';
import { ok } from '../helpers/graphql';
import { expectRefusal, refused } from '../helpers/refusals';
import { useServers } from '../helpers/test-server';

/**
 * Input: slugs, lengths of names, labels and revisions (in characters),
 * strings stored exactly as given, and strings PostgreSQL cannot hold.
 */
const suite = useServers(1);

const CREATE_PROJECT = 'mutation($slug: String!, $name: String!) { createProject(slug: $slug, name: $name) { id slug name } }';
const CREATE_PLAN = 'mutation($p: ID!, $label: String!) { createPlan(project: $p, label: $label) { id label } }';
const CREATE_SNAPSHOT = 'mutation($p: ID!, $revision: String) { createSnapshot(project: $p, revision: $revision) { id revision } }';
const SLUG_RULE = '"slug" must be 1 to 64 characters of a-z, 0-9 and "-", starting with a letter or digit';
const length = (argument: string, min: number, max: number, got: number) => `"${argument}" must be ${min} to ${max} characters long, got ${got}`;
const nul = (argument: string) => `"${argument}" must not contain NUL characters`;
/** A short printable name for a test value: JSON, cut after 24 characters. */
const shown = (value: string): string => {
  const json = JSON.stringify(value);
  return json.length > 26 ? `${json.slice(0, 24)}…" (${value.length} characters)` : json;
};
const named = (values: string[]): [string, string][] => values.map((v) => [shown(v), v]);

let project: { id: string; slug: string };

beforeAll(async () => {
  project = await createProject(suite.server);
  await createPlan(suite.server, project.id);
});

/** Strings that must come back exactly as they were sent. */
const EXACT = [
  '  leading and trailing spaces  ',
  'tab\tnew line\nreturn\r\n',
  'Ünïcödé, 漢字, Ελληνικά, עברית, العربية',
  'emoji 😀👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301 (decomposed) and \u00e9 (composed)',
  'zero\u200bwidth\u200d joiner, BOM \ufeff, non-breaking\u00a0space',
  "quotes ' \" ` and backslash \\ and percent % and SQL '; DROP TABLE project; --",
  '<script>alert(1)</script>',
  '\u0001\u001f control characters',
];

describe('slugs', () => {
  it.each(named(['a', '0', 'a-b', 'a--b', 'abc-', '0-a-' + 'x'.repeat(60), 'x'.repeat(64)]))('takes %s', async (_name, slug) => {
    // Made unique per run without changing the slug's shape (the same length, the same first character).
    const unique = slug.length < 10 ? `${slug}${randomUUID().replace(/-/g, '')}` : slug.slice(0, slug.length - 8) + randomUUID().slice(0, 8);
    const data = await ok(suite.server, CREATE_PROJECT, { slug: unique, name: 'n' });
    expect(data.createProject.slug).toBe(unique);
  });

  it.each(named(['', '-a', 'A', 'aB', 'a_b', 'a b', 'a.b', 'a/b', 'é', ' a', 'a\n', 'a\u0000', 'x'.repeat(65), 'x'.repeat(100_000)]))(
    'refuses %s as BAD_USER_INPUT',
    async (_name, slug) => {
      await refused(suite.server, CREATE_PROJECT, { slug, name: 'n' }, 'BAD_USER_INPUT', SLUG_RULE, 'slug');
    },
  );

  it('refuses a slug already taken as CONFLICT, and keeps the first project', async () => {
    const slug = uniqueSlug('dup');
    const first = await ok(suite.server, CREATE_PROJECT, { slug, name: 'first' });
    await refused(suite.server, CREATE_PROJECT, { slug, name: 'second' }, 'CONFLICT', `A project with slug "${slug}" already exists`);
    expect((await ok(suite.server, 'query($s: String) { project(slug: $s) { id name } }', { s: slug })).project).toEqual({
      id: first.createProject.id,
      name: 'first',
    });
  });
});

describe('project names: 1 to 64 characters', () => {
  it.each([
    ['one character', 'x'],
    ['64 characters', 'n'.repeat(64)],
    ['64 characters outside the BMP (128 UTF-16 units)', '😀'.repeat(64)],
    ['64 characters, some combining', 'e\u0301'.repeat(32)],
  ])('takes %s, stored exactly', async (_name, name) => {
    const data = await ok(suite.server, CREATE_PROJECT, { slug: uniqueSlug(), name });
    expect(data.createProject.name).toBe(name);
    const again = await ok(suite.server, 'query($id: ID) { project(id: $id) { name } }', { id: data.createProject.id });
    expect(again.project.name).toBe(name);
  });

  it.each([
    ['', 0],
    ['n'.repeat(65), 65],
    ['😀'.repeat(65), 65],
    ['n'.repeat(100_000), 100_000],
  ].map(([name, got]) => [shown(name as string), name, got]) as [string, string, number][])('refuses %s as BAD_USER_INPUT', async (_name, name, got) => {
    await refused(suite.server, CREATE_PROJECT, { slug: uniqueSlug(), name }, 'BAD_USER_INPUT', length('name', 1, 64, got), 'name');
  });
});

describe('plan labels: 1 to 128 characters', () => {
  it('takes 1 and 128 characters', async () => {
    for (const label of ['l', 'l'.repeat(128), '漢'.repeat(128)]) {
      expect((await ok(suite.server, CREATE_PLAN, { p: project.id, label })).createPlan.label).toBe(label);
    }
  });
  it('refuses 0 and 129 characters', async () => {
    await refused(suite.server, CREATE_PLAN, { p: project.id, label: '' }, 'BAD_USER_INPUT', length('label', 1, 128, 0), 'label');
    await refused(suite.server, CREATE_PLAN, { p: project.id, label: 'l'.repeat(129) }, 'BAD_USER_INPUT', length('label', 1, 128, 129), 'label');
    await refused(suite.server, CREATE_PLAN, { p: project.id, label: 'l'.repeat(200_000) }, 'BAD_USER_INPUT', length('label', 1, 128, 200_000), 'label');
  });
});

describe('revisions: up to 255 characters', () => {
  it('takes none, empty, and 255 characters', async () => {
    for (const revision of [null, '', 'r'.repeat(255), '😀'.repeat(255)]) {
      expect((await ok(suite.server, CREATE_SNAPSHOT, { p: project.id, revision })).createSnapshot.revision).toBe(revision);
    }
  });
  it('refuses 256 characters', async () => {
    await refused(suite.server, CREATE_SNAPSHOT, { p: project.id, revision: 'r'.repeat(256) }, 'BAD_USER_INPUT', length('revision', 0, 255, 256), 'revision');
    await refused(suite.server, CREATE_SNAPSHOT, { p: project.id, revision: '😀'.repeat(256) }, 'BAD_USER_INPUT', length('revision', 0, 255, 256), 'revision');
  });
});

describe('strings are stored exactly as given', () => {
  it.each(named(EXACT))('%s', async (_name, value) => {
    const short = [...value].slice(0, 64).join('');
    const created = await ok(suite.server, CREATE_PROJECT, { slug: uniqueSlug(), name: short });
    const plan = await ok(suite.server, CREATE_PLAN, { p: created.createProject.id, label: value });
    const snapshot = await ok(suite.server, CREATE_SNAPSHOT, { p: created.createProject.id, revision: value });
    const data = await ok(
      suite.server,
      'query($p: ID, $s: ID!) { project(id: $p) { name plans { label } } snapshot(id: $s) { revision } }',
      { p: created.createProject.id, s: snapshot.createSnapshot.id },
    );
    expect(data).toEqual({ project: { name: short, plans: [{ label: value }] }, snapshot: { revision: value } });
    expect(plan.createPlan.label).toBe(value);
  });
});

describe('strings PostgreSQL cannot hold', () => {
  it('refuses a NUL character as BAD_USER_INPUT, never an internal error, wherever it is sent', async () => {
    await refused(suite.server, CREATE_PROJECT, { slug: uniqueSlug(), name: 'a\u0000b' }, 'BAD_USER_INPUT', nul('name'), 'name');
    await refused(suite.server, CREATE_PROJECT, { slug: uniqueSlug(), name: '\u0000' }, 'BAD_USER_INPUT', nul('name'), 'name');
    await refused(suite.server, CREATE_PLAN, { p: project.id, label: 'x\u0000' }, 'BAD_USER_INPUT', nul('label'), 'label');
    await refused(suite.server, CREATE_SNAPSHOT, { p: project.id, revision: '\u0000abc' }, 'BAD_USER_INPUT', nul('revision'), 'revision');
    await refused(suite.server, CREATE_SNAPSHOT, { p: 'a\u0000', revision: 'x' }, 'BAD_USER_INPUT', '"project" must be a project id or slug', 'project');
    await refused(suite.server, 'query($s: String) { project(slug: $s) { id } }', { s: 'a\u0000' }, 'BAD_USER_INPUT', SLUG_RULE, 'slug');
    // In the query text itself, as a GraphQL escape.
    const res = await suite.server.gql(`mutation { createProject(slug: "${uniqueSlug()}", name: "nul \\u0000 here") { id } }`);
    expectRefusal(res, 'BAD_USER_INPUT', nul('name'), 'name');
  });

  it('refuses a NUL character in a long string, and checks NUL before length', async () => {
    await refused(suite.server, CREATE_PLAN, { p: project.id, label: 'l'.repeat(500) + '\u0000' }, 'BAD_USER_INPUT', nul('label'), 'label');
  });

  it('refuses an unpaired UTF-16 surrogate (no character, so no UTF-8) as BAD_USER_INPUT instead of storing something else', async () => {
    const bad = (argument: string) => `"${argument}" must be valid Unicode (it has an unpaired surrogate)`;
    await refused(suite.server, CREATE_PROJECT, { slug: uniqueSlug(), name: 'a\ud800b' }, 'BAD_USER_INPUT', bad('name'), 'name');
    await refused(suite.server, CREATE_PLAN, { p: project.id, label: '\udc00' }, 'BAD_USER_INPUT', bad('label'), 'label');
    await refused(suite.server, CREATE_SNAPSHOT, { p: project.id, revision: 'x\ud83d' }, 'BAD_USER_INPUT', bad('revision'), 'revision');
    await refused(suite.server, CREATE_SNAPSHOT, { p: project.id, revision: '\ude00\ud83d' }, 'BAD_USER_INPUT', bad('revision'), 'revision');
    // A proper pair is one character and is kept.
    expect((await ok(suite.server, CREATE_SNAPSHOT, { p: project.id, revision: '\ud83d\ude00' })).createSnapshot.revision).toBe('😀');
  });

  it('leaves nothing behind when it refuses', async () => {
    const slug = uniqueSlug();
    await suite.server.gql(CREATE_PROJECT, { slug, name: 'bad\u0000' });
    expect((await ok(suite.server, 'query($s: String) { project(slug: $s) { id } }', { s: slug })).project).toBeNull();
  });
});
