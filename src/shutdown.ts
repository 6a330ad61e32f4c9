import type { Logger } from './logger';

export interface ShutdownOptions {
  /** Longest the whole stop may take before the process gives up and exits 1. */
  hardLimitMs: number;
  signals?: NodeJS.Signals[];
  /** Where signals come from and how to exit (the process; tests pass their own). */
  process?: Pick<NodeJS.EventEmitter, 'on'> & { exit(code: number): void };
}

/**
 * On the first SIGTERM or SIGINT: `stop()` (the server stops taking requests,
 * lets those in flight finish, closes the pool), then exit 0; exit 1 when
 * stopping fails or outlasts `hardLimitMs`. Later signals are logged and ignored.
 */
export function exitOnSignals(stop: () => Promise<void>, logger: Logger, options: ShutdownOptions): void {
  const proc = options.process ?? process;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'already stopping');
      return;
    }
    stopping = true;
    const started = Date.now();
    logger.info({ signal }, 'stopping: no new requests; letting those in flight finish');
    const backstop = setTimeout(() => {
      logger.error({ limitMs: options.hardLimitMs }, 'stopping took too long; exiting');
      proc.exit(1);
    }, options.hardLimitMs);
    backstop.unref();
    stop().then(
      () => {
        clearTimeout(backstop);
        logger.info({ stopMs: Date.now() - started }, 'stopped');
        proc.exit(0);
      },
      (err) => {
        clearTimeout(backstop);
        logger.error({ err }, 'stop failed');
        proc.exit(1);
      },
    );
  };
  for (const signal of options.signals ?? (['SIGINT', 'SIGTERM'] as NodeJS.Signals[])) proc.on(signal, () => onSignal(signal));
}
