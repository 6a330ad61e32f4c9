import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import { PgliteServer } from './pglite-server';

export interface EmbeddedPostgres {
  /** Nominal: node-postgres reaches the database through `stream`, never by this host. */
  url: string;
  /** A new in-process connection to the database (node-postgres's `stream` option). */
  stream: () => Duplex;
  stop(): Promise<void>;
}

/**
 * PostgreSQL in this process (PGlite), its data under `dataDir`, served to
 * node-postgres through in-memory connections so that the server talks to it
 * with the same driver and SQL as to a PostgreSQL server, and without a port:
 * PGlite has no passwords, and anyone able to open a port could bypass every
 * token.
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
  fs.mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
    const server = new PgliteServer(db, maxConnections);
    const pglite = db;
    return {
      url: 'postgres://postgres@embedded/postgres',
      stream: () => server.connect(),
      async stop() {
        await server.close();
        await pglite.close();
        release();
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    release();
    throw err;
  }
}
