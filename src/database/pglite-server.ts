import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import { MemorySocket, refuseConnection } from './memory-socket';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** One at a time, in order of asking. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => held);
    return before.then(() => release);
  }
}

interface Connection {
  socket: Duplex;
  /** The messages of the request being read, up to its Sync (or its simple Query). */
  pending: Buffer[];
  /** Set while this connection has the database: during a request, and for all of a transaction. */
  release: (() => void) | null;
}

/**
 * Serves a PGlite database to ordinary PostgreSQL clients (node-postgres):
 * in this process through `connect()` (node-postgres's `stream` option), or
 * on a TCP port (`listen`, for the tests' databases). PGlite is a single backend shared by every connection, so each
 * client request (Parse/Bind/Execute... up to Sync, or a simple Query) runs
 * whole, and a client that opens a transaction keeps the database until it
 * ends; other clients wait. Queuing single messages instead would let two
 * clients' extended-protocol messages interleave: one client's Bind would
 * replace the other's unnamed portal.
 */
export class PgliteServer {
  private server: net.Server | null = null;
  private readonly floor = new Mutex();
  private readonly connections = new Set<Connection>();

  /** `maxConnections`: clients beyond it are refused (each waits its turn anyway). */
  constructor(
    private readonly db: PGlite,
    private readonly maxConnections = 100,
  ) {}

  /**
   * A new connection to the database, within this process, for
   * node-postgres's `stream` option: nothing listens anywhere, so no other
   * process (nor user of the machine) can reach the database.
   */
  connect(): Duplex {
    return new MemorySocket((serverEnd) => {
      if (this.connections.size >= this.maxConnections) {
        refuseConnection(serverEnd, Object.assign(new Error('too many connections to the embedded database'), { code: 'ECONNREFUSED' }));
        return;
      }
      this.accept(serverEnd);
    });
  }

  /** Listens on `host`:`port` (0: any free port); resolves to a postgres:// URL. */
  async listen(host = '127.0.0.1', port = 0): Promise<string> {
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      this.accept(socket);
    });
    server.maxConnections = this.maxConnections;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return `postgres://postgres@${host}:${address.port}/postgres`;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Duplex): void {
    const connection: Connection = { socket, pending: [], release: null };
    this.connections.add(connection);
    let buffer = Buffer.alloc(0);
    let started = false;
    let work = Promise.resolve();
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const requests: Buffer[][] = [];
      for (;;) {
        if (!started) {
          // Before the startup message: length, then a code instead of a type byte.
          if (buffer.length < 8 || buffer.length < buffer.readInt32BE(0)) break;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) socket.write('N');
          else if (code !== CANCEL_REQUEST) {
            started = true;
            requests.push([message]);
          }
          continue;
        }
        if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) break;
        const length = 1 + buffer.readInt32BE(1);
        const type = String.fromCharCode(buffer[0]!);
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (type === 'X') {
          socket.end();
          break;
        }
        connection.pending.push(message);
        if (type === 'S' || type === 'Q') {
          requests.push(connection.pending);
          connection.pending = [];
        }
      }
      for (const request of requests) {
        work = work.then(() => this.run(connection, request)).catch(() => void socket.destroy());
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.connections.delete(connection);
      work = work.then(() => this.abandon(connection));
    });
  }

  private async run(connection: Connection, request: Buffer[]): Promise<void> {
    if (connection.socket.destroyed) return;
    connection.release ??= await this.floor.lock();
    try {
      await this.db.runExclusive(async () => {
        for (const message of request) {
          await this.db.execProtocolRawStream(new Uint8Array(message), {
            onRawData: (data) => {
              if (!connection.socket.destroyed) connection.socket.write(Buffer.from(data));
            },
          });
        }
      });
    } finally {
      if (!this.db.isInTransaction()) {
        connection.release();
        connection.release = null;
      }
    }
  }

  /** A client gone in the middle of a transaction: roll it back and let the others in. */
  private async abandon(connection: Connection): Promise<void> {
    if (!connection.release) return;
    try {
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      connection.release();
      connection.release = null;
    }
  }
}
