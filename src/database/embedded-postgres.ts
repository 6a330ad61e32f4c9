import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import { PgliteServer } from './pglite-server';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL in this process (PGlite), its data under `dataDir`, served on a
 * loopback port so that the server talks to it with the same driver and SQL
 * as to a PostgreSQL server.
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
  fs.mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
    const server = new PgliteServer(db, maxConnections);
    const url = await server.listen('127.0.0.1', 0);
    const pglite = db;
    return {
      url,
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
