import { parseApiTokens } from '../../src/auth/api-tokens';
import { authorizationFromPayload, createAuthenticator } from '../../src/auth/authenticate';
import { ConfigError, loadConfig } from '../../src/config';

const ADMIN = 'admin-token-0123456789';
const VIEWER = 'viewer-token-0123456789';
const SCHEDULER = 'scheduler-token-0123456789';
const OTHER = 'other-token-0123456789';

describe('API_TOKENS', () => {
  it('parses comma-separated role:token pairs, spaces allowed around them', () => {
    expect(parseApiTokens(` viewer:${VIEWER} , admin:${ADMIN},`)).toEqual([
      { role: 'viewer', name: 'viewer', token: VIEWER },
      { role: 'admin', name: 'admin', token: ADMIN },
    ]);
  });

  it('names a token: role:name:token, or after its role; entries of one role may share its name', () => {
    expect(parseApiTokens(`scheduler:release-bot:${VIEWER}, admin:${ADMIN}, admin:admin:${SCHEDULER}, scheduler:ci.main_1:${OTHER}`)).toEqual([
      { role: 'scheduler', name: 'release-bot', token: VIEWER },
      { role: 'admin', name: 'admin', token: ADMIN },
      { role: 'admin', name: 'admin', token: SCHEDULER },
      { role: 'scheduler', name: 'ci.main_1', token: OTHER },
    ]);
    expect(parseApiTokens(`viewer:${VIEWER},viewer:${ADMIN}`).map((t) => t.name)).toEqual(['viewer', 'viewer']);
    expect(parseApiTokens(`viewer:${'n'.repeat(64)}:${VIEWER}`)[0]!.name).toHaveLength(64);
  });

  it.each([
    ['viewer', 'API_TOKENS entry 1 must be role:token or role:name:token'],
    [`admin:a:b:${ADMIN}`, 'API_TOKENS entry 1 must be role:token or role:name:token'],
    [`admin::${ADMIN}`, 'API_TOKENS entry 1 (admin): a name must be 1 to 64 characters of A-Z a-z 0-9 . _ -'],
    [`admin:${'n'.repeat(65)}:${ADMIN}`, 'API_TOKENS entry 1 (admin): a name must be 1 to 64 characters of A-Z a-z 0-9 . _ -'],
    // A token written where the name goes is never repeated back.
    [`admin:${SCHEDULER}+/=:${ADMIN}`, 'API_TOKENS entry 1 (admin): a name must be 1 to 64 characters of A-Z a-z 0-9 . _ -'],
    [`scheduler:ci:${ADMIN},viewer:ci:${VIEWER}`, 'API_TOKENS entry 2 (viewer) repeats the name of entry 1'],
    [`scheduler:ci:${ADMIN},scheduler:ci:${VIEWER}`, 'API_TOKENS entry 2 (scheduler) repeats the name of entry 1'],
    [`admin:${ADMIN},scheduler:admin:${VIEWER}`, 'API_TOKENS entry 2 (scheduler) is named "admin", a role\'s name: only admin tokens may have it'],
    [`viewer:scheduler:${VIEWER},scheduler:${ADMIN}`, 'API_TOKENS entry 1 (viewer) is named "scheduler", a role\'s name: only scheduler tokens may have it'],
    [`root:${ADMIN}`, 'API_TOKENS entry 1 has role "root"; roles are viewer, scheduler, admin'],
    ['admin:short', 'API_TOKENS entry 1 (admin): a token must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / = -'],
    [`admin:${ADMIN},scheduler:${ADMIN}`, 'API_TOKENS entry 2 (scheduler) repeats a token given before'],
    [' , ', 'API_TOKENS is set but names no role:token pair'],
  ])('refuses %j, never repeating a token in the message', (raw, message) => {
    expect(() => loadConfig({ API_TOKENS: raw })).toThrow(new ConfigError(message));
    for (const token of [ADMIN, VIEWER, SCHEDULER]) expect(message).not.toContain(token);
  });

  it('without API_TOKENS, one random admin token, named admin, is made (a new one each start)', () => {
    const a = loadConfig({});
    const b = loadConfig({});
    expect(a.generatedAdminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.apiTokens).toEqual([{ role: 'admin', name: 'admin', token: a.generatedAdminToken }]);
    expect(b.generatedAdminToken).not.toBe(a.generatedAdminToken);
    expect(loadConfig({ API_TOKENS: `admin:${ADMIN}` }).generatedAdminToken).toBeNull();
  });

  it('ANONYMOUS_READ is true unless set false; anything else is refused', () => {
    expect(loadConfig({}).anonymousRead).toBe(true);
    expect(loadConfig({ ANONYMOUS_READ: 'false' }).anonymousRead).toBe(false);
    expect(loadConfig({ ANONYMOUS_READ: '0' }).anonymousRead).toBe(false);
    expect(() => loadConfig({ ANONYMOUS_READ: 'nope' })).toThrow(new ConfigError('ANONYMOUS_READ must be true or false, got "nope"'));
  });
});

describe('authenticate', () => {
  const tokens = parseApiTokens(`viewer:${VIEWER},admin:${ADMIN},scheduler:release-bot:${SCHEDULER}`);
  const open = createAuthenticator({ apiTokens: tokens, anonymousRead: true });
  const closed = createAuthenticator({ apiTokens: tokens, anonymousRead: false });
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'ok';
    } catch (err) {
      return (err as { extensions?: { code?: string } }).extensions?.code;
    }
  };

  it('gives the role and name of a known bearer token, in any scheme case', () => {
    expect(open(`Bearer ${ADMIN}`)).toEqual({ role: 'admin', name: 'admin' });
    expect(open(`bearer ${VIEWER}`)).toEqual({ role: 'viewer', name: 'viewer' });
    expect(open(`Bearer ${SCHEDULER}`)).toEqual({ role: 'scheduler', name: 'release-bot' });
  });

  it('no header: anonymous while anonymous reads are on, else UNAUTHENTICATED', () => {
    expect(open(undefined)).toEqual({ role: null, name: null });
    expect(open('  ')).toEqual({ role: null, name: null });
    expect(code(() => closed(undefined))).toBe('UNAUTHENTICATED');
  });

  it('an unknown token, of any length, or another scheme: UNAUTHENTICATED', () => {
    for (const header of [`Bearer ${ADMIN}x`, `Bearer ${ADMIN.slice(1)}`, 'Bearer x', `Token ${ADMIN}`, `Bearer ${ADMIN} extra`]) {
      expect([header, code(() => open(header))]).toEqual([header, 'UNAUTHENTICATED']);
    }
  });

  it('reads a WebSocket init payload\'s Authorization or authorization', () => {
    expect(authorizationFromPayload({ Authorization: `Bearer ${ADMIN}` })).toBe(`Bearer ${ADMIN}`);
    expect(authorizationFromPayload({ authorization: `Bearer ${ADMIN}` })).toBe(`Bearer ${ADMIN}`);
    expect(authorizationFromPayload(null)).toBeUndefined();
    expect(authorizationFromPayload({ Authorization: 42 })).toBeUndefined();
  });
});
