import { connectionFailure, dataDirFailure, databaseAddress, databaseUrlError } from '../../src/database/startup-errors';

const URL = 'postgres://app:s3cret@db.example:6543/registry';
const sysError = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${code} something`), { code, ...extra });
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('DATABASE_URL errors at start', () => {
  it('say where, without user or password', () => {
    expect(databaseAddress(URL)).toEqual({ server: 'db.example:6543', database: 'registry' });
    expect(databaseAddress('postgres://app@db.example/')).toEqual({ server: 'db.example:5432', database: 'app' });
    expect(databaseAddress('postgres:///registry?host=/run/postgresql')).toEqual({ server: '/run/postgresql (port 5432)', database: 'registry' });
  });

  it.each([
    [sysError('ECONNREFUSED'), 'DATABASE_URL: cannot connect to db.example:6543: connection refused (is PostgreSQL running there, on that port?)'],
    [Object.assign(new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')], ''), {}), 'DATABASE_URL: cannot connect to db.example:6543: connection refused (is PostgreSQL running there, on that port?)'],
    [sysError('ENOTFOUND'), 'DATABASE_URL: cannot connect to db.example:6543: unknown host'],
    [sysError('EHOSTUNREACH'), 'DATABASE_URL: cannot connect to db.example:6543: host unreachable'],
    [new Error('timeout exceeded when trying to connect'), 'DATABASE_URL: cannot connect to db.example:6543: no answer within 5 s'],
    [new Error('Connection terminated due to connection timeout'), 'DATABASE_URL: cannot connect to db.example:6543: no answer within 5 s'],
    [new Error('Connection terminated unexpectedly'), 'DATABASE_URL: cannot connect to db.example:6543: it closed the connection (is it a PostgreSQL server?)'],
    [pgError('3D000', 'database "registry" does not exist'), 'DATABASE_URL: db.example:6543 refused the connection: database "registry" does not exist'],
    [pgError('28P01', 'password authentication failed for user "app"'), 'DATABASE_URL: db.example:6543 refused the connection: password authentication failed for user "app"'],
    [pgError('28000', 'role "app" does not exist'), 'DATABASE_URL: db.example:6543 refused the connection: role "app" does not exist'],
    [pgError('53300', 'sorry, too many clients already'), 'DATABASE_URL: db.example:6543 refused the connection: sorry, too many clients already (the server has no free connection)'],
    [new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), 'DATABASE_URL: db.example:6543 asks for a password, and DATABASE_URL has none or the server does not take it (SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string)'],
    [new Error('The server does not support SSL connections'), 'DATABASE_URL: cannot connect to db.example:6543: The server does not support SSL connections'],
  ])('%s', (err, expected) => {
    expect(connectionFailure(err, URL)?.message).toBe(expected);
  });

  it('say what failed after connecting, in one line', () => {
    expect(connectionFailure(pgError('42501', 'permission denied for schema public'), URL)).toBeNull();
    expect(databaseUrlError(pgError('42501', 'permission denied for schema public\nDETAIL: more'), URL).message).toBe(
      'DATABASE_URL: cannot prepare database "registry" on db.example:6543: permission denied for schema public',
    );
  });
});

describe('DATA_DIR errors at start', () => {
  const dir = '/srv/registry';
  it.each([
    [sysError('EROFS', { syscall: 'open', path: `${dir}/server.pid` }), `DATA_DIR ${dir}: cannot write there: read-only file system`],
    [sysError('EROFS', { syscall: 'mkdir', path: dir }), `DATA_DIR ${dir}: cannot create it: read-only file system`],
    [sysError('EACCES', { syscall: 'mkdir', path: '/srv' }), expect.stringMatching(/^DATA_DIR \/srv\/registry: cannot create \/srv: permission denied \(the server runs as user \d+\)$/)],
    [sysError('ENOSPC', { syscall: 'write', path: `${dir}/pgdata/base/1/2` }), `DATA_DIR ${dir}: cannot write there (${dir}/pgdata/base/1/2): no space left on device`],
    [sysError('EEXIST', { path: dir }), `DATA_DIR ${dir}: it is not a directory`],
    [sysError('ENOTDIR', { path: dir }), `DATA_DIR ${dir}: a part of the path is not a directory`],
    [sysError('ENOTDIR', { path: '/srv' }), `DATA_DIR ${dir}: /srv is not a directory`],
  ])('%s', (err, expected) => {
    expect(dataDirFailure(err, dir)?.message).toEqual(expected);
  });

  it('leave other errors alone', () => {
    expect(dataDirFailure(new TypeError('x is undefined'), dir)).toBeNull();
  });
});
