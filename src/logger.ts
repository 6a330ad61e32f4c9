import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/** JSON lines on stdout. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'snapshot-registry' }, timestamp: pino.stdTimeFunctions.isoTime });
}
