import type { Logger } from '../logger';
import type { Snapshot } from '../snapshots/snapshot.entity';

/** Ids per log line: a run that expires more logs several lines, so that no line grows past what log collectors keep. */
export const IDS_PER_LOG_LINE = 1000;

export interface ExpiryRunner {
  expireAllExclusively(signal?: AbortSignal): Promise<Snapshot[] | null>;
}

/**
 * Expires what nothing keeps, in every project, every `intervalS` seconds (0:
 * never). The first run comes at a random moment within the first interval,
 * so that instances started together, or restarted often, do not all run at
 * start. Runs of one instance never overlap, and an advisory lock keeps runs
 * of different instances apart: an instance that finds another one running
 * skips its turn.
 */
export class ExpirySchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly expiry: ExpiryRunner,
    private readonly logger: Logger,
    private readonly intervalS: number,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.intervalS > 0) this.schedule(this.random() * this.intervalS * 1000);
  }

  private schedule(delayMs: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.run().finally(() => {
        this.running = null;
        this.schedule(this.intervalS * 1000);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** One run; logs what it expired (the ids, in lines of at most IDS_PER_LOG_LINE). */
  async run(): Promise<void> {
    const started = Date.now();
    try {
      const expired = await this.expiry.expireAllExclusively(this.abort.signal);
      const durationMs = Date.now() - started;
      if (expired === null) {
        this.logger.debug({ durationMs }, 'expiry: another instance is running it; skipped');
        return;
      }
      const ids = expired.map((s) => s.id);
      const parts = Math.max(1, Math.ceil(ids.length / IDS_PER_LOG_LINE));
      for (let part = 0; part < parts; part++) {
        const some = ids.slice(part * IDS_PER_LOG_LINE, (part + 1) * IDS_PER_LOG_LINE);
        this.logger.info(
          { expired: some, count: ids.length, durationMs, ...(parts > 1 ? { part: part + 1, parts } : {}) },
          `expiry: expired ${ids.length} snapshot(s)`,
        );
      }
    } catch (err) {
      this.logger.error({ err, durationMs: Date.now() - started }, 'expiry: run failed');
    }
  }

  /** Stops the schedule; a run under way stops after its current batch, and this waits for it. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
