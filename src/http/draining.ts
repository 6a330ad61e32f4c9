import type http from 'node:http';
import type { Logger } from '../logger';

/**
 * Counts the requests in flight and stops the HTTP server gracefully: once
 * `drain` is called, new requests are refused (the router asks `stopping`),
 * idle keep-alive connections close, those in flight may finish for up to
 * `graceMs`, and whatever is left is then cut.
 */
export class Draining {
  stopping = false;
  private inFlight = 0;

  constructor(
    private readonly server: http.Server,
    private readonly logger: Logger,
  ) {}

  started(): void {
    this.inFlight++;
  }

  finished(): void {
    this.inFlight--;
    if (this.stopping && this.inFlight === 0) this.server.closeIdleConnections();
  }

  async drain(graceMs: number): Promise<void> {
    this.stopping = true;
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        this.logger.warn({ inFlight: this.inFlight }, 'requests still running at the end of the shutdown grace period; cutting them');
        this.server.closeAllConnections();
      }, graceMs);
      this.server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}
