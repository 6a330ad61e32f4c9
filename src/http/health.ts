import type { ServerResponse } from 'node:http';
import { type Db, sql } from '../database/sql';
import { sendJson } from './send';

/**
 * Whether the database answers: a `SELECT 1` that must come back within
 * `timeoutMs`, its answer kept for `cacheMs` so that probes cost the database
 * at most one query a second.
 */
export class Readiness {
  private last: { at: number; ready: Promise<boolean> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly connected: () => boolean,
    private readonly timeoutMs = 1_000,
    private readonly cacheMs = 1_000,
  ) {}

  check(): Promise<boolean> {
    const now = Date.now();
    if (this.last && now - this.last.at < this.cacheMs) return this.last.ready;
    const ready = this.probe();
    this.last = { at: now, ready };
    return ready;
  }

  private probe(): Promise<boolean> {
    if (!this.connected()) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.timeoutMs);
      this.db.one(sql`SELECT 1`).then(
        () => resolve(true),
        () => resolve(false),
      ).finally(() => clearTimeout(timer));
    });
  }
}

/** GET /healthz: the process is up and serving. */
export function sendHealth(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' }, { 'cache-control': 'no-store' });
}

/** GET /readyz: 200 while the database answers, 503 while it does not. */
export async function sendReadiness(res: ServerResponse, readiness: Readiness, stopping: boolean): Promise<void> {
  if (stopping) return sendJson(res, 503, { status: 'stopping' }, { 'cache-control': 'no-store' });
  const ready = await readiness.check();
  sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'database unavailable' }, { 'cache-control': 'no-store' });
}
