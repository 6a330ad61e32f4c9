import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PgliteServer } from '../../src/database/pglite-server';

/**
 * Hands out throwaway embedded databases to test suites, as CREATE DATABASE
 * would on a server: POST /databases gives {id, url}; DELETE /databases/:id
 * ends it. Each is a PGlite cloned from a fresh template (about 1 s, against
 * several for a new one), served on its own loopback port. It runs in jest's
 * main process, where PGlite can load.
 */
export class PgliteBroker {
  private readonly databases = new Map<string, { db: PGlite; server: PgliteServer }>();
  private template: Promise<File | Blob> | null = null;
  private next = 1;
  private readonly http = http.createServer((req, res) => {
    this.handle(req.method ?? '', req.url ?? '').then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (err) => res.writeHead(500).end(String(err)),
    );
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  private async handle(method: string, url: string): Promise<unknown> {
    if (method === 'POST' && url === '/databases') return this.create();
    const id = /^\/databases\/(\d+)$/.exec(url)?.[1];
    if (method === 'DELETE' && id) return this.drop(id);
    throw new Error(`no route ${method} ${url}`);
  }

  private async create(): Promise<{ id: string; url: string }> {
    this.template ??= PGlite.create().then(async (db) => {
      const dump = await db.dumpDataDir('none');
      await db.close();
      return dump;
    });
    const db = await PGlite.create({ loadDataDir: await this.template });
    const server = new PgliteServer(db, 100);
    const url = await server.listen('127.0.0.1', 0);
    const id = String(this.next++);
    this.databases.set(id, { db, server });
    return { id, url };
  }

  private async drop(id: string): Promise<{ dropped: boolean }> {
    const entry = this.databases.get(id);
    if (!entry) return { dropped: false };
    this.databases.delete(id);
    await entry.server.close();
    await entry.db.close();
    return { dropped: true };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.databases.keys()].map((id) => this.drop(id)));
    await new Promise((resolve) => this.http.close(resolve));
  }
}
