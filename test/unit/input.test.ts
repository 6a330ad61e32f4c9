import { decodeCursor, encodeCursor } from '../../src/common/cursor';
import { canonicalUuid, parseId } from '../../src/common/ids';
import { pageSize, projectRef, schedulerId, slug, text } from '../../src/common/input';
import { ConfigError, loadConfig } from '../../src/config';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { extensions?: { code?: string } }).extensions?.code;
  }
  return 'no error';
};

describe('ids', () => {
  it('takes UUIDs with or without dashes, any case, and gives them lower case with dashes', () => {
    const canonical = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    expect(canonicalUuid('0F1E2D3C4B5A69788796A5B4C3D2E1F0')).toBe(canonical);
    expect(canonicalUuid('0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0')).toBe(canonical);
    expect(parseId(canonical, 'id')).toBe(canonical);
  });
  it.each(['', 'nope', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f', '0f1e2d3c4b5a69788796a5b4c3d2e1f0aa', 'g'.repeat(32), '0f1e2d3c4b5a-6978-8796a5b4c3d2e1f0-'])(
    'refuses %p',
    (value) => {
      expect(code(() => parseId(value, 'id'))).toBe('BAD_USER_INPUT');
    },
  );
});

describe('input', () => {
  it('checks slugs', () => {
    expect(slug('a')).toBe('a');
    expect(slug('0-a-' + 'x'.repeat(60))).toHaveLength(64);
    for (const bad of ['', '-a', 'A', 'a_b', 'a b', 'x'.repeat(65), 'é']) expect(code(() => slug(bad))).toBe('BAD_USER_INPUT');
  });
  it('checks text length in characters and refuses NUL', () => {
    expect(text('😀'.repeat(64), 'name', 1, 64)).toHaveLength(128);
    expect(code(() => text('', 'name', 1, 64))).toBe('BAD_USER_INPUT');
    expect(code(() => text('a\u0000b', 'name', 1, 64))).toBe('BAD_USER_INPUT');
  });
  it('keeps a scheduler id as given, a UUID in canonical form', () => {
    for (const id of ['1234', 'main-5678', 'gh-run-9876543210-2', ' a b ', 'Main-5678', 'é'.repeat(255)]) expect(schedulerId(id, 'buildId')).toBe(id);
    expect(schedulerId('0F1E2D3C4B5A69788796A5B4C3D2E1F0', 'buildId')).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    expect(schedulerId('0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0', 'buildId')).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    for (const bad of ['', 'x'.repeat(256), 'a\nb', 'a\u0000', '\u007f', '\u009f', 'tab\t', '\ud800']) {
      expect(code(() => schedulerId(bad, 'buildId'))).toBe('BAD_USER_INPUT');
    }
  });
  it('checks page sizes', () => {
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
    for (const bad of [0, -1, 101]) expect(code(() => pageSize(bad))).toBe('BAD_USER_INPUT');
  });
  it('takes a project id or slug', () => {
    expect(projectRef('0F1E2D3C4B5A69788796A5B4C3D2E1F0')).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    expect(projectRef('my-project')).toBe('my-project');
    expect(code(() => projectRef('Not a slug'))).toBe('BAD_USER_INPUT');
  });
});

describe('cursors', () => {
  it('round-trip', () => {
    const c = { micros: '1764028800123456', id: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });
  it.each(['', 'abc', Buffer.from('v2:1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0').toString('base64url'), Buffer.from('v1:x:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0').toString('base64url')])(
    'refuses %p',
    (value) => {
      expect(code(() => decodeCursor(value))).toBe('BAD_USER_INPUT');
    },
  );
});

describe('config', () => {
  it('has defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4000, databaseUrl: null, logLevel: 'info', production: false });
    expect(config.dataDir).toMatch(/data$/);
  });
  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
  ])('refuses %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
