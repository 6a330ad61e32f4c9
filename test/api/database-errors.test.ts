import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/database/database';
import { DatabaseStartError } from '../../src/database/startup-errors';
import { databaseKind } from '../helpers/database';

/**
 * A database the server cannot use at start is one line that names the
 * setting (DATABASE_URL or DATA_DIR) and says what is wrong, never the
 * password; the server prints it and exits 1 (test/api/starting.test.ts runs
 * the process).
 */
const PASSWORD = 'not-to-be-shown-7f3a';

async function startError(settings: { databaseUrl?: string; dataDir?: string }): Promise<string> {
  const config = { databaseUrl: settings.databaseUrl ?? null, dataDir: settings.dataDir ?? '/nonexistent', poolSize: 2, statementTimeoutMs: 10_000 };
  const err = await openDatabase(config).then(
    async (database) => {
      await database.close();
      throw new Error('expected the database not to open');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatabaseStartError);
  const message = (err as Error).message;
  expect(message).not.toContain(PASSWORD);
  expect(message).not.toContain('\n');
  return message;
}

/** A TCP port on which nothing listens now. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server that does something else than PostgreSQL with each connection. */
async function fakeServer(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('DATABASE_URL that cannot be used', () => {
  it('a closed port: connection refused', async () => {
    const port = await closedPort();
    expect(await startError({ databaseUrl: `postgres://app:${PASSWORD}@127.0.0.1:${port}/registry` })).toBe(
      `DATABASE_URL: cannot connect to 127.0.0.1:${port}: connection refused (is PostgreSQL running there, on that port?)`,
    );
  });

  it('a host that does not exist', async () => {
    expect(await startError({ databaseUrl: `postgres://app:${PASSWORD}@no-such-host.invalid:5432/registry` })).toMatch(
      /^DATABASE_URL: cannot connect to no-such-host\.invalid:5432: (unknown host|the host name could not be looked up \(DNS did not answer\))$/,
    );
  });

  it('a server that accepts and never answers: no answer within 5 s', async () => {
    const silent = await fakeServer(() => undefined);
    try {
      expect(await startError({ databaseUrl: `postgres://app:${PASSWORD}@127.0.0.1:${silent.port}/registry` })).toBe(
        `DATABASE_URL: cannot connect to 127.0.0.1:${silent.port}: no answer within 5 s`,
      );
    } finally {
      await silent.close();
    }
  }, 30_000);

  it('a server that is not PostgreSQL (it hangs up)', async () => {
    const rude = await fakeServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      expect(await startError({ databaseUrl: `postgres://app:${PASSWORD}@127.0.0.1:${rude.port}/registry` })).toBe(
        `DATABASE_URL: cannot connect to 127.0.0.1:${rude.port}: it closed the connection (is it a PostgreSQL server?)`,
      );
    } finally {
      await rude.close();
    }
  });

  const onServer = databaseKind() === 'postgres' ? it : it.skip;
  const server = () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    return { url, address: `${url.hostname}:${url.port || 5432}` };
  };

  onServer('a database that does not exist on the server (PostgreSQL only)', async () => {
    const { url, address } = server();
    url.pathname = '/no_such_database_3c1f';
    url.password = PASSWORD;
    expect(await startError({ databaseUrl: url.toString() })).toBe(
      `DATABASE_URL: ${address} refused the connection: database "no_such_database_3c1f" does not exist`,
    );
  });

  onServer('a role that does not exist (PostgreSQL only)', async () => {
    const { url, address } = server();
    url.username = 'no_such_role_3c1f';
    url.password = PASSWORD;
    expect(await startError({ databaseUrl: url.toString() })).toMatch(
      new RegExp(`^DATABASE_URL: ${address.replace(/\./g, '\\.')} refused the connection: (role "no_such_role_3c1f" does not exist|password authentication failed for user "no_such_role_3c1f"|.*no pg_hba\\.conf entry.*)$`),
    );
  });
});

describe('DATA_DIR that cannot be used', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-registry-data-dir-'));
  });
  afterAll(() => {
    fs.chmodSync(tmp, 0o700);
    for (const entry of fs.readdirSync(tmp)) fs.chmodSync(path.join(tmp, entry), 0o700);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a file: not a directory', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    expect(await startError({ dataDir: file })).toBe(`DATA_DIR ${file}: it is not a directory`);
    expect(await startError({ dataDir: path.join(file, 'data', 'more') })).toBe(`DATA_DIR ${path.join(file, 'data', 'more')}: ${file} is not a directory`);
  });

  /**
   * A directory this process may not write to. As root, permissions do not
   * apply, so the check runs with the effective user id of `nobody` (65534),
   * switched back right after (nothing else runs in between: all synchronous).
   */
  function asUnprivileged<T>(fn: () => Promise<T>): Promise<T> {
    if (process.geteuid?.() !== 0) return fn();
    process.setegid!(65534);
    process.seteuid!(65534);
    const restore = () => {
      process.seteuid!(0);
      process.setegid!(0);
    };
    // openDatabase fails before its first await on a DATA_DIR it cannot prepare.
    try {
      const promise = fn();
      restore();
      return promise;
    } catch (err) {
      restore();
      throw err;
    }
  }

  it('not writable: permission denied, for the directory itself and for one it must create', async () => {
    const locked = path.join(tmp, 'locked');
    fs.mkdirSync(locked, { mode: 0o555 });
    fs.chmodSync(tmp, 0o755);
    const user = process.geteuid?.() === 0 ? 65534 : process.geteuid!();
    expect(await asUnprivileged(() => startError({ dataDir: locked }))).toBe(
      `DATA_DIR ${locked}: cannot write there: permission denied (the server runs as user ${user})`,
    );
    const inside = path.join(locked, 'data');
    expect(await asUnprivileged(() => startError({ dataDir: inside }))).toBe(
      `DATA_DIR ${inside}: cannot create it: permission denied (the server runs as user ${user})`,
    );
  });
});
